"""The supervision loop through `crucible`, on two vaults: the issue's "Must show", and its attacks.

A trainee's vault and a supervisor's, each driven by the real command
(fast key profile): cards exchanged, a supervised intensive sent, opened,
two blocks coded by the supervisor, comments, co-signature, return; the
trainee's `summary --json` then shows the co-signature and the same kappa
as app/domain/agreement.py computes from the two layers.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from crucible.app.domain.exchange import observation_document, parse_intensive
from crucible.app.domain.intensive import Observation
from crucible.app.domain.review import numbered_blocks, review_agreement
from crucible.app.domain.review_package import MAGIC
from crucible.app.domain.vocabulary import Stance
from tests.cli.conftest import Crucible
from tests.conftest import PASSPHRASE
from tests.services.test_review_loop import supervised_sample

YES = PASSPHRASE + "\ny\n"
NO = PASSPHRASE + "\nn\n"


def _init(folder: Path, *profile: str) -> Crucible:
    crucible = Crucible(folder)
    result = crucible("init", *profile)
    assert result.status == 0, result.err
    return crucible


@pytest.fixture
def trainee(tmp_path: Path) -> Crucible:
    return _init(
        tmp_path / "trainee", "--name", "Alex Kim", "--role", "trainee",
        "--supervisor", "Dr. Sam Lee",
    )  # fmt: skip


@pytest.fixture
def supervisor(tmp_path: Path) -> Crucible:
    return _init(tmp_path / "supervisor", "--name", "Dr. Sam Lee", "--role", "supervisor")


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    return folder


def _ok(result: object) -> str:
    assert getattr(result, "status") == 0, getattr(result, "err")  # noqa: B009
    return str(getattr(result, "out"))  # noqa: B009


def _exchange_cards(trainee: Crucible, supervisor: Crucible, files: Path) -> None:
    _ok(trainee("card", "export", "-o", str(files / "alex.crucible-card")))
    _ok(supervisor("card", "export", "-o", str(files / "sam.crucible-card")))
    out = _ok(
        trainee("card", "import", str(files / "sam.crucible-card"), "--supervisor", stdin=YES)
    )
    assert "Import this card? [y/N]" in out
    assert "linked as your supervisor's card" in out
    _ok(supervisor("card", "import", str(files / "alex.crucible-card"), stdin=YES))


def _sent(trainee: Crucible, files: Path, name: str = "C-0007") -> tuple[int, Path]:
    sample = files / "sample.json"
    sample.write_bytes(supervised_sample())
    intensive_id = int(_ok(trainee("import", str(sample))).splitlines()[-1])
    package = files / f"{name}.crucible-review"
    _ok(trainee("review", "send", str(intensive_id), "--to", "1", "-o", str(package)))
    return intensive_id, package


def _coding(files: Path) -> tuple[Path, dict[int, list[Observation]]]:
    """The supervisor's layer for blocks 1 and 3: the trainee's, with some stances changed."""
    intensive = parse_intensive(json.loads(supervised_sample()))
    blocks = numbered_blocks(intensive)
    layer: dict[int, list[Observation]] = {}
    for position in (1, 3):
        observations = list(blocks[position - 1].observations)
        for index in range(0, len(observations), 4):
            from dataclasses import replace

            observations[index] = replace(observations[index], stance=Stance.SAME_AS)
        layer[position] = observations
    document = [
        {**observation_document(o), "block": position}
        for position, observations in layer.items()
        for o in observations
    ]
    path = files / "coding.json"
    path.write_text(json.dumps(document))
    return path, layer


def test_the_whole_loop_through_the_command(
    trainee: Crucible, supervisor: Crucible, files: Path
) -> None:
    _exchange_cards(trainee, supervisor, files)
    intensive_id, package = _sent(trainee, files)
    for name in (b"Dana", b"Whitfield", b"Okafor", b"Sam Okafor"):
        assert name not in package.read_bytes()

    out = _ok(supervisor("review", "open", str(package)))
    assert "Opened a review package from Alex Kim" in out
    assert "review 1" in out
    coding, layer = _coding(files)
    _ok(supervisor("review", "import-coding", "1", str(coding)))
    _ok(supervisor("review", "comment", "1", "Good pacing."))
    _ok(supervisor("review", "comment", "1", "--block", "3", "Slow down here."))
    _ok(supervisor("review", "cosign", "1"))
    listed = json.loads(_ok(supervisor("review", "list", "--json")))
    assert listed[0]["comments"] == 2
    assert listed[0]["coded_blocks"] == [1, 3]
    assert listed[0]["couple_code"] == "C-0007"
    back = files / "C-0007.return.crucible-review"
    _ok(supervisor("review", "return", "1", "-o", str(back)))

    out = _ok(trainee("review", "open", str(back)))
    assert "Opened a return package from Dr. Sam Lee" in out
    assert f"for intensive {intensive_id}" in out
    # The hours log is offered the supervision: the line runs once the minutes are filled in.
    hint = out.split("To count it in your supervision hours: ", 1)[1].strip()
    assert "--observable video" in hint  # the supervisor coded blocks: raw data
    command = shlex.split(hint.replace("MINUTES", "75"))
    assert command[:3] == ["crucible", "hours", "add-supervision"]
    _ok(trainee(*command[1:]))
    hours = json.loads(_ok(trainee("hours", "--json")))
    assert hours["supervision_minutes"]["observable"] == 75
    summary = json.loads(_ok(trainee("summary", str(intensive_id), "--json")))
    review = summary["review"]
    assert review["comments"] == 2
    assert review["cosigned_by"] == "Dr. Sam Lee"
    assert review["cosigned_at"] is not None
    expected = review_agreement(parse_intensive(json.loads(supervised_sample())), layer)
    assert review["kappa"]["overall"] == pytest.approx(expected.overall.kappa)
    assert expected.overall.kappa is not None
    assert 0 < expected.overall.kappa < 1
    assert review["kappa"]["blocks"] == {
        str(n): pytest.approx(expected.blocks[n].kappa) for n in (1, 3)
    }
    text = _ok(trainee("summary", str(intensive_id)))
    assert "\nReview\n" in text
    assert "Dr. Sam Lee" in text
    assert "Slow down here." in text
    assert "Agreement (trainee against supervisor" in text
    plain = _ok(trainee("summary", str(intensive_id), "--deidentify"))
    assert "\nReview\n" in plain  # the de-identified summary carries the section too
    assert "Whitfield" not in plain
    figures = json.loads(_ok(supervisor("review", "agreement", "1", "--json")))
    assert figures["kappa"]["overall"] == pytest.approx(expected.overall.kappa)
    assert "All checks passed" in _ok(supervisor("check"))  # the read-only trigger included
    assert "All checks passed" in _ok(trainee("check"))


def test_summary_json_says_review_null_without_one(trainee: Crucible, files: Path) -> None:
    sample = files / "sample.json"
    sample.write_bytes(supervised_sample())
    _ok(trainee("import", str(sample)))
    assert json.loads(_ok(trainee("summary", "1", "--json")))["review"] is None


def _refused(result: object, sentence: str) -> None:
    assert getattr(result, "status") == 2, getattr(result, "out")  # noqa: B009
    err = str(getattr(result, "err"))  # noqa: B009
    assert sentence in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def _no_reviews(supervisor: Crucible) -> None:
    assert json.loads(_ok(supervisor("review", "list", "--json"))) == []


def test_a_package_changed_by_one_byte_is_refused(
    trainee: Crucible, supervisor: Crucible, files: Path
) -> None:
    _exchange_cards(trainee, supervisor, files)
    _intensive, package = _sent(trainee, files)
    for index in (len(MAGIC) + 40, len(package.read_bytes()) // 2, -1):
        data = bytearray(package.read_bytes())
        data[index] ^= 0x01
        changed = files / "changed.crucible-review"
        changed.write_bytes(bytes(data))
        _refused(supervisor("review", "open", str(changed)), "changed or damaged")
    _no_reviews(supervisor)


def test_a_package_sealed_to_another_supervisor(
    trainee: Crucible, supervisor: Crucible, files: Path, tmp_path: Path
) -> None:
    _exchange_cards(trainee, supervisor, files)
    other = _init(tmp_path / "other", "--name", "Dr. Other", "--role", "supervisor")
    _intensive, package = _sent(trainee, files)
    _refused(other("review", "open", str(package)), "addressed to another card")
    _no_reviews(other)


def test_an_unknown_trainee_is_asked_about_and_a_posing_one_refused(
    trainee: Crucible, supervisor: Crucible, files: Path, tmp_path: Path
) -> None:
    _ok(supervisor("card", "export", "-o", str(files / "sam.crucible-card")))
    _ok(trainee("card", "import", str(files / "sam.crucible-card"), stdin=YES))
    _intensive, package = _sent(trainee, files)
    result = supervisor("review", "open", str(package), stdin=NO)
    _refused(result, "not confirmed; nothing was stored")
    assert "fingerprint" in result.out
    _no_reviews(supervisor)
    assert _ok(supervisor("review", "open", str(package), stdin=YES))
    # Another vault calling itself Alex Kim, with other keys, is not Alex Kim.
    impostor = _init(
        tmp_path / "impostor", "--name", "Alex Kim", "--role", "trainee",
        "--supervisor", "Dr. Sam Lee",
    )  # fmt: skip
    _ok(impostor("card", "import", str(files / "sam.crucible-card"), stdin=YES))
    _intensive, forged = _sent(impostor, files, "forged")
    _refused(supervisor("review", "open", str(forged), stdin=YES), "different key")
    assert len(json.loads(_ok(supervisor("review", "list", "--json")))) == 1


def test_a_stale_return_is_stored_but_flagged(
    trainee: Crucible, supervisor: Crucible, files: Path
) -> None:
    _exchange_cards(trainee, supervisor, files)
    intensive_id, package = _sent(trainee, files)
    _ok(supervisor("review", "open", str(package)))
    _ok(supervisor("review", "cosign", "1"))
    back = files / "back.crucible-review"
    _ok(supervisor("review", "return", "1", "-o", str(back)))
    from crucible.app.services.intensive_exchange import get_intensive
    from crucible.app.services.notes import add_addendum
    from crucible.app.services.vault_access import open_vault

    with open_vault(trainee.folder, PASSPHRASE) as vault:
        block_id = get_intensive(vault, intensive_id).days[0].blocks[0].id
        assert block_id is not None
        add_addendum(vault, block_id, by="Alex Kim", reason="late", text="More.")
    result = trainee("review", "open", str(back))
    assert result.status == 0, result.err
    assert "Block(s) 1 changed after the review was sent" in result.err
    review = json.loads(_ok(trainee("summary", str(intensive_id), "--json")))["review"]
    assert review["changed_after_review"] == [1]
    assert review["cosigned_by"] == "Dr. Sam Lee"


def test_a_return_opened_by_another_trainee_is_refused(
    trainee: Crucible, supervisor: Crucible, files: Path
) -> None:
    _exchange_cards(trainee, supervisor, files)
    _intensive, package = _sent(trainee, files)
    _refused(trainee("review", "open", str(package)), "addressed to another card")


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        (b"", "not a Crucible review package"),
        (b"%PDF-1.7", "not a Crucible review package"),
        (MAGIC[:9], "truncated"),
        (MAGIC + b"\x01" + b"\x00" * 40, "truncated"),
        (MAGIC + b"\x02" + b"\x00" * 200, "newer format (version 2)"),
    ],
)
def test_bad_package_files_are_refused_before_the_passphrase(
    supervisor: Crucible, files: Path, content: bytes, sentence: str
) -> None:
    path = files / "bad.crucible-review"
    path.write_bytes(content)
    _refused(supervisor("review", "open", str(path), stdin=""), sentence)


def test_bad_cards_are_refused_before_the_passphrase(
    trainee: Crucible, supervisor: Crucible, files: Path
) -> None:
    _ok(supervisor("card", "export", "-o", str(files / "sam.crucible-card")))
    good = json.loads((files / "sam.crucible-card").read_text())
    cases = {
        "fingerprint": ({**good, "fingerprint": "0000 " + good["fingerprint"][5:]}, "fingerprint"),
        "bad key": ({**good, "sealing_key": "AAAA"}, "sealing key is not 32 bytes"),
        "renamed": ({**good, "name": "Dr. Someone Else"}, "self-signature does not verify"),
        "newer": ({**good, "format": "crucible.card/2"}, "newer or unknown format"),
    }
    for name, (document, sentence) in cases.items():
        path = files / f"{name}.crucible-card"
        path.write_text(json.dumps(document))
        _refused(trainee("card", "import", str(path), "--yes", stdin=""), sentence)
    truncated = files / "truncated.crucible-card"
    truncated.write_bytes((files / "sam.crucible-card").read_bytes()[:50])
    _refused(trainee("card", "import", str(truncated), stdin=""), "not a Crucible card")
    assert "1\t" not in _ok(trainee("card", "list"))


def test_declining_a_card_stores_nothing(
    trainee: Crucible, supervisor: Crucible, files: Path
) -> None:
    _ok(supervisor("card", "export", "-o", str(files / "sam.crucible-card")))
    _refused(trainee("card", "import", str(files / "sam.crucible-card"), stdin=NO), "not imported")
    assert json.loads(_ok(trainee("card", "list", "--json")))["cards"] == []
    _ok(trainee("card", "import", str(files / "sam.crucible-card"), "--yes"))
    cards = json.loads(_ok(trainee("card", "list", "--json")))["cards"]
    assert [c["name"] for c in cards] == ["Dr. Sam Lee"]
    _ok(trainee("card", "remove", cards[0]["fingerprint"]))
    assert json.loads(_ok(trainee("card", "list", "--json")))["cards"] == []


def test_import_coding_refuses_bad_files_and_stores_nothing(
    trainee: Crucible, supervisor: Crucible, files: Path
) -> None:
    _exchange_cards(trainee, supervisor, files)
    _intensive, package = _sent(trainee, files)
    _ok(supervisor("review", "open", str(package)))
    coding, _layer = _coding(files)
    document = json.loads(coding.read_text())
    cases = [
        ("{}", "not a JSON list"),
        (json.dumps([{**document[0], "block": 0}]), "block position"),
        (json.dumps([{**document[0], "block": 99}]), "Block 99 is not in this intensive"),
        (json.dumps([document[0], {**document[1], "stance": "up"}]), "stance"),
        (json.dumps([{**document[0], "at": "2030-01-01T00:00:00+00:00"}]), "more than a day away"),
    ]
    for text, sentence in cases:
        coding.write_text(text)
        _refused(supervisor("review", "import-coding", "1", str(coding)), sentence)
    assert json.loads(_ok(supervisor("review", "list", "--json")))[0]["coded_blocks"] == []
