"""Sealing and opening a review package of a 5,000-observation intensive (issue 13).

Budget: each under 0.5 s. Figures, in one run:

- **seal (domain)**: what "Send for review…" does once the intensive is in
  memory: de-identify it (the supervision PDF's path), build the payload
  with every block's hashes and the reviewed digest, JSON, Ed25519-sign,
  X25519 + HKDF + AES-256-GCM.
- **open (domain)**: decrypt, verify the signature, validate the whole
  intensive with the exchange format's rules, recompute every hash.
- **send / open (service)**: the same through the services on two
  encrypted bench vaults, with the vault read, the record written and the
  file written/read (``send_for_review``, ``open_package_file``).
- **floors**, same run: ``json.dumps`` of the payload plus AES-256-GCM over
  the same bytes (seal), AES-256-GCM decryption plus ``json.loads`` (open):
  the least any sealed JSON file could cost, so the ratios say what the
  de-identification, the hashes, the signature and the validation add.

    .venv/bin/python bench/review_package.py [--repeats 10]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bench.common import big_document, cpu_model, describe_ms, temp_folder
from crucible.app.domain.deidentify import deidentify_intensive
from crucible.app.domain.exchange import parse_intensive
from crucible.app.domain.review_package import new_key_pair, open_package, seal_package
from crucible.app.domain.review_payload import parse_review_payload, review_payload
from crucible.app.domain.vocabulary import Role, Stance

OBSERVATIONS = 5000
BUDGET_S = 0.5
PASSPHRASE = "bench passphrase"


def _intensive_document() -> dict[str, object]:
    """5,000 observations, a third of them with a quote naming a partner, supervised."""
    document = big_document(OBSERVATIONS)
    body = document["intensive"]
    body["trainee"], body["supervisor"] = "Alex Kim", "Dr. Sam Lee"
    body["reflections"] = "Dana softened on day 2; Sam stayed walled off. " * 20
    count = 0
    for day in body["days"]:
        for block in day["blocks"]:
            for observation in block["observations"]:
                count += 1
                if count % 3 == 0:
                    observation["quote"] = "Dana said Sam never listens to her, not once."
    return document


def _timed(work: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times


def _row(name: str, times: list[float], floor: float | None) -> str:
    ratio = "" if floor is None else f", {statistics.median(times) / floor:.1f}x the floor"
    verdict = (
        ""
        if floor is None or "floor" in name
        else (" within budget" if statistics.median(times) < BUDGET_S else " OVER budget")
    )
    return f"{name}: {describe_ms(times)}, best {min(times) * 1000:.1f} ms{ratio}{verdict}"


def domain_figures(repeats: int) -> None:
    intensive = parse_intensive(_intensive_document())
    trainee_keys, supervisor_keys = new_key_pair(), new_key_pair()
    trainee = trainee_keys.card("Alex Kim", Role.TRAINEE)
    supervisor = supervisor_keys.card("Dr. Sam Lee", Role.SUPERVISOR)
    now = datetime.now(UTC)

    def seal() -> bytes:
        payload = review_payload(uuid.uuid4().hex, now, deidentify_intensive(intensive))
        return seal_package(payload, trainee_keys, trainee, supervisor)

    data = seal()
    payload = review_payload(uuid.uuid4().hex, now, deidentify_intensive(intensive))
    key, nonce = AESGCM.generate_key(bit_length=256), os.urandom(12)
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    sealed_floor = AESGCM(key).encrypt(nonce, body, None)

    def seal_floor() -> bytes:
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return AESGCM(key).encrypt(nonce, text, None)

    def open_floor() -> object:
        return json.loads(AESGCM(key).decrypt(nonce, sealed_floor, None))

    def unseal() -> object:
        opened = open_package(data, supervisor_keys, supervisor)
        return parse_review_payload(opened.payload)

    print(f"package: {len(data):,} bytes for {OBSERVATIONS:,} observations")
    floor_seal = _timed(seal_floor, repeats)
    floor_open = _timed(open_floor, repeats)
    seal_times = _timed(seal, repeats)
    open_times = _timed(unseal, repeats)
    print(_row("floor, seal (json.dumps + AES-GCM)", floor_seal, statistics.median(floor_seal)))
    print(_row("seal (domain)", seal_times, statistics.median(floor_seal)))
    print(_row("floor, open (AES-GCM + json.loads)", floor_open, statistics.median(floor_open)))
    print(_row("open (domain)", open_times, statistics.median(floor_open)))
    return None


def agreement_figures(repeats: int) -> None:
    """The agreement of one 1,000-observation block (the view's 100 ms budget is the UI's)."""
    import random
    from dataclasses import replace

    from crucible.app.domain.review import review_agreement

    document = big_document(7000)  # 1,000 per block
    intensive = parse_intensive(document)
    block = intensive.days[0].blocks[0]
    rng = random.Random(13)
    stances = list(Stance)
    layer = {
        1: tuple(
            replace(
                o,
                at=o.at + timedelta(seconds=rng.randint(-4, 4)),
                stance=o.stance if rng.random() < 0.8 else rng.choice(stances),
            )
            for o in block.observations
        )
    }

    def floor() -> object:
        return sorted(layer[1], key=lambda o: o.at)

    floor_times = _timed(floor, repeats)
    times = _timed(lambda: review_agreement(intensive, layer), repeats)
    print(f"agreement block: {len(block.observations):,} observations per layer")
    print(_row("floor, agreement (sorting one layer)", floor_times, statistics.median(floor_times)))
    print(
        f"agreement (domain, event + time-sliced kappa, one block): {describe_ms(times)}, "
        f"best {min(times) * 1000:.1f} ms, "
        f"{statistics.median(times) / statistics.median(floor_times):.1f}x the floor"
    )


def service_figures(repeats: int) -> None:
    from crucible.app.services.identity import export_card, import_card, read_card_file
    from crucible.app.services.intensive_exchange import import_intensive
    from crucible.app.services.profile import ClinicianProfile, save_profile
    from crucible.app.services.review_open import open_package_file
    from crucible.app.services.review_send import send_for_review
    from crucible.app.services.vault_access import new_vault
    from crucible.app.store.keyfile import KdfParams

    fast = KdfParams(memory_kib=1024, time_cost=1, parallelism=1)
    folder = temp_folder("review")
    trainee, _ = new_vault(folder / "trainee", PASSPHRASE, kdf=fast)
    supervisor, _ = new_vault(folder / "supervisor", PASSPHRASE, kdf=fast)
    try:
        save_profile(trainee, ClinicianProfile("Alex Kim", "", Role.TRAINEE, "Dr. Sam Lee"))
        save_profile(supervisor, ClinicianProfile("Dr. Sam Lee", "", Role.SUPERVISOR))
        export_card(supervisor, folder / "sam.card", actor="bench")
        export_card(trainee, folder / "alex.card", actor="bench")
        import_card(trainee, read_card_file(folder / "sam.card"), actor="bench")
        import_card(supervisor, read_card_file(folder / "alex.card"), actor="bench")
        data = json.dumps(_intensive_document()).encode()
        intensive_id = import_intensive(trainee, data, actor="bench")
        paths = [folder / f"p{n}.crucible-review" for n in range(repeats)]
        sends = iter(paths)
        opens = iter(paths)
        send_times = _timed(
            lambda: send_for_review(trainee, intensive_id, "1", next(sends), actor="bench"),
            repeats,
        )
        open_times = _timed(
            lambda: open_package_file(
                supervisor, next(opens), confirm=lambda card: True, actor="bench"
            ),
            repeats,
        )
        print(_row("send (service: read, de-identify, seal, record, write)", send_times, None))
        print(_row("open (service: read, unseal, validate, store)", open_times, None))
        from crucible.app.domain.intensive import Observation
        from crucible.app.domain.vocabulary import PartnerKey
        from crucible.app.services.review_inbox import add_layer_observation, review_intensive

        first = review_intensive(supervisor, 1).days[0].blocks[0]
        key_times = _timed(
            lambda: add_layer_observation(
                supervisor, 1, 1, Observation(first.start, PartnerKey.A, Stance.ONE_UP), actor="b"
            ),
            repeats,
        )
        print(_row("one key of the supervisor's pad (service: check, store)", key_times, None))
    finally:
        trainee.lock()
        supervisor.lock()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    print(f"CPU: {cpu_model()}, load average {os.getloadavg()[0]:.1f}")
    domain_figures(args.repeats)
    agreement_figures(args.repeats)
    service_figures(args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
