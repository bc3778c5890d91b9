"""Coverage-guided fuzzing (atheris/libFuzzer) of the three untrusted inputs: test 13 at depth.

Targets:

- `backup`: a backup file restored over a real vault. Any outcome other
  than success or a `VaultError` is a crash; a refused backup must leave
  the vault's files byte-identical.
- `keyfile`: vault.key bytes parsed and unwrapped with the passphrase and
  with a recovery code; only `KeyFileError` or `WrongSecretError` may come out.
- `import`: an exchange document decoded and validated
  (`parse_document`); only `InputError` may come out.

For the two JSON targets a custom mutator replaces or removes one value of
a still-valid document half the time (`json_mutator`), so inputs get past
the decoder to the format's own rules; the other half are libFuzzer's byte
mutations. Seeds are valid files made at start-up (a fresh vault with the sample
intensive, its key file and a backup of it), written to the corpus folder
/tmp/crucible-fuzz/<target>/, which libFuzzer then grows.

Setup (the bench only; atheris is deliberately not a project dependency):

    .venv/bin/pip install atheris

Run, e.g. one minute per target:

    .venv/bin/python bench/fuzz_inputs.py backup -max_total_time=60
    .venv/bin/python bench/fuzz_inputs.py keyfile -max_total_time=60
    .venv/bin/python bench/fuzz_inputs.py import -max_total_time=60

Result on the issue-7 work (2 vCPU VM, atheris 3.0.0, Python 3.11.7,
60 s per target, corpus started from the seeds alone), no crash and no
invariant broken in any run:

- backup: 107,775 inputs (1,766/s), 929 coverage edges, 1,183 features;
  nearly all mutations stop at the ZIP directory or the hashes, which is the
  point; the deeper checks (forged hashes) are driven by the hypothesis
  tests in tests/safety/test_fuzzed_inputs.py;
- keyfile: 3,195,662 inputs byte-mutated (52,387/s) and 2,067,102 with the
  JSON-aware mutator (33,886/s), 104 edges, 143 features;
- import: 701,790 inputs byte-mutated (11,504/s, 157 edges, 495 features)
  and 91,889 with the JSON-aware mutator (1,506/s, 152 edges, 497 features).

"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

with atheris.instrument_imports():
    import zipfile  # noqa: F401 (instrumented for coverage guidance)

    from crucible.app.services import backups
    from crucible.app.services.errors import InputError, KeyFileError, VaultError, WrongSecretError
    from crucible.app.services.intensive_exchange import import_intensive, parse_document
    from crucible.app.services.vault_access import new_vault
    from crucible.app.store.keyfile import KdfParams, KeyFile

PASSPHRASE = "fuzz passphrase"
FAST = KdfParams(1024, 1)  # the tests' profile: the fuzzer times parsing, not Argon2
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "intensive-sample.json"
CORPUS = Path("/tmp/crucible-fuzz")


def _fingerprint(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class World:
    """A real vault and its pristine copy, made once per fuzzing process."""

    def __init__(self) -> None:
        # One fixed folder, cleared at each start: libFuzzer exits from C, past any atexit.
        self.work = CORPUS / "work"
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        self.folder = self.work / "vault"
        vault, self.code = new_vault(self.folder, PASSPHRASE, kdf=FAST)
        import_intensive(vault, SAMPLE.read_bytes(), actor="fuzz")
        self.backup = backups.backup_now(vault).info.path.read_bytes()
        vault.lock()
        shutil.rmtree(self.folder / "backups")
        self.key = (self.folder / "vault.key").read_bytes()
        self.pristine = self.work / "pristine"
        shutil.copytree(self.folder, self.pristine)
        self.expected = _fingerprint(self.folder)
        self.candidate = self.work / "candidate.crucible-backup"

    def seeds(self) -> dict[str, bytes]:
        """One valid input per target, the corpus's starting point."""
        return {"backup": self.backup, "keyfile": self.key, "import": SAMPLE.read_bytes()}


WORLD: World | None = None


def fuzz_backup(data: bytes) -> None:
    assert WORLD is not None
    WORLD.candidate.write_bytes(data)
    try:
        backups.restore(WORLD.candidate, WORLD.folder, PASSPHRASE)
    except VaultError:
        if _fingerprint(WORLD.folder) != WORLD.expected:
            raise AssertionError("a refused backup changed the vault") from None
        return
    shutil.rmtree(WORLD.folder)  # accepted: a harmless edit; start again from the original
    shutil.copytree(WORLD.pristine, WORLD.folder)


def fuzz_keyfile(data: bytes) -> None:
    assert WORLD is not None
    try:
        key_file = KeyFile.from_json(data)
    except KeyFileError:
        return
    if key_file.kdf.memory_kib > 64 * 1024 or key_file.kdf.time_cost > 4:
        return  # valid but deliberately expensive parameters: a slow unwrap, not a bug
    for unwrap, secret in (
        (key_file.unwrap_with_passphrase, PASSPHRASE),
        (key_file.unwrap_with_recovery_code, WORLD.code),
    ):
        with contextlib.suppress(KeyFileError, WrongSecretError):
            unwrap(secret).wipe()


def fuzz_import(data: bytes) -> None:
    with contextlib.suppress(InputError):
        parse_document(data)


TARGETS = {"backup": fuzz_backup, "keyfile": fuzz_keyfile, "import": fuzz_import}
JSON_TARGETS = {"keyfile", "import"}
REPLACEMENTS: list[object] = [
    None,
    True,
    0,
    -1,
    2**63,
    1e308,
    "",
    "x" * 300,
    "2026-13-45T25:61:00",
    [],
    {},
    [[[]]],
    "one-up",
    "A",
    "crucible.intensive/1",
    "crucible.vault-key/1",
    "AAAA",
]


def _json_paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _json_paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _json_paths(child, (*prefix, index))
    return found


def json_mutator(data: bytes, max_size: int, seed: int) -> bytes:
    """Structure-aware half the time: one value of a valid document replaced or removed.

    Byte mutations alone almost never keep JSON valid, so they stop at the
    decoder; this keeps documents valid and reaches the format's rules.
    """
    import json
    import random

    rng = random.Random(seed)
    try:
        document = json.loads(data)
    except ValueError:
        document = None
    if document is None or rng.random() < 0.5:
        return bytes(atheris.Mutate(data, max_size))
    path = rng.choice(_json_paths(document))
    if not path:
        return bytes(atheris.Mutate(data, max_size))
    parent = document
    for step in path[:-1]:
        parent = parent[step]  # type: ignore[index]
    if rng.random() < 0.15 and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = rng.choice(REPLACEMENTS)  # type: ignore[index]
    return json.dumps(document).encode()[:max_size]


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: fuzz_inputs.py {{{'|'.join(TARGETS)}}} [libFuzzer flags]")
    target = sys.argv[1]
    global WORLD
    WORLD = World()
    corpus = CORPUS / target
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "seed").write_bytes(WORLD.seeds()[target])
    libfuzzer_args = [sys.argv[0], *sys.argv[2:], str(corpus)]
    if target == "backup":
        libfuzzer_args.insert(1, f"-max_len={len(WORLD.backup) + 1024}")
    mutator = json_mutator if target in JSON_TARGETS else None
    atheris.Setup(libfuzzer_args, TARGETS[target], custom_mutator=mutator)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
