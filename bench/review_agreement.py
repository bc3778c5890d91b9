"""The agreement view of a 1,000-observation block (issue 13): compute, fill the models, paint.

Budget: under 100 ms from the two coding layers in memory to the view
painted. The block runs two hours; the trainee logged 1,000 observations
and the supervisor's layer is the same moments moved by up to 8 s, with
one stance in ten changed, one event in twenty dropped and one in twenty
added, as a second coder watching the recording would leave it.

- **view**: :func:`app.domain.review.review_agreement` (event matching,
  time-sliced labels over 7,200 seconds for two partners, both kappas),
  the rows, confusion table and one-sided events set into the real
  :class:`app.ui.review.agreement_view.AgreementView` (1100×700, shown
  offscreen), then ``repaint()``: a synchronous paint of every visible cell.
- **floor**, same run, interleaved: a bare ``QTableView`` over a
  ``QStandardItemModel`` of the same cells (the agreement rows, the 4×4
  table and the one-sided events) in a window of the same size, filled and
  repainted: the least any table of these figures costs on this machine.

    .venv/bin/python bench/review_agreement.py [--repeats 30]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QTableView

from bench.common import cpu_model, describe_ms
from crucible.app.domain.intensive import Block, Couple, Day, Intensive, Observation, Partner
from crucible.app.domain.review import review_agreement
from crucible.app.domain.review_format import agreement_rows, confusion_lines, confusion_table
from crucible.app.domain.vocabulary import BlockKind, PartnerKey, Stance
from crucible.app.ui.review.agreement_view import AgreementView

OBSERVATIONS, BLOCK_S, BUDGET_MS = 1000, 7200, 100.0
SIZE = (1100, 700)
START = datetime(2026, 11, 2, 9, 0, tzinfo=timezone(timedelta(hours=-5)))


def layers(seed: int = 13) -> tuple[Intensive, dict[int, tuple[Observation, ...]]]:
    """A one-block intensive of 1,000 observations and a supervisor's layer of it."""
    rng = random.Random(seed)
    moments = sorted(rng.uniform(0, BLOCK_S) for _ in range(OBSERVATIONS))
    trainee = tuple(
        Observation(
            at=START + timedelta(seconds=s),
            partner=rng.choice(tuple(PartnerKey)),
            stance=rng.choice(tuple(Stance)),
        )
        for s in moments
    )
    theirs: list[Observation] = []
    for observation in trainee:
        roll = rng.random()
        if roll < 0.05:
            continue
        moved = observation.at + timedelta(seconds=rng.uniform(-8, 8))
        stance = rng.choice(tuple(Stance)) if roll > 0.9 else observation.stance
        theirs.append(replace(observation, at=moved, stance=stance))
    for _ in range(OBSERVATIONS // 20):
        at = START + timedelta(seconds=rng.uniform(0, BLOCK_S))
        theirs.append(Observation(at, rng.choice(tuple(PartnerKey)), rng.choice(tuple(Stance))))
    block = Block(
        title="Joint session",
        kind=BlockKind.JOINT,
        start=START,
        end=START + timedelta(seconds=BLOCK_S),
        observations=trainee,
    )
    couple = Couple("C-0001", (Partner(PartnerKey.A, "A"), Partner(PartnerKey.B, "B")))
    intensive = Intensive(couple, "Bench", "Clinician", (Day(1, START.date(), (block,)),))
    return intensive, {1: tuple(theirs)}


def floor_cells(intensive: Intensive, layer: dict[int, tuple[Observation, ...]]) -> list[list[str]]:
    """The same cells the view shows, as plain strings, for the bare table."""
    agreement = review_agreement(intensive, layer)
    cells = [list(row.cells()) for row in agreement_rows(intensive, agreement)]
    cells += [list(line) for line in confusion_lines(confusion_table(agreement.blocks.values()))]
    report = agreement.blocks[1]
    for o in (*report.unmatched_first, *report.unmatched_second):
        cells.append([o.partner.value, f"{o.at:%H:%M:%S}", o.stance.value])
    return cells


class Floor:
    """A bare table window the size of the view, refilled with the same cells and repainted."""

    def __init__(self, cells: list[list[str]]) -> None:
        self.cells = cells
        self.table = QTableView()
        self.table.resize(*SIZE)
        self.table.show()

    def run(self) -> None:
        """Fill a fresh model with the cells, set it, and paint the window now."""
        model = QStandardItemModel(len(self.cells), 9)
        for r, row in enumerate(self.cells):
            for c, text in enumerate(row):
                model.setItem(r, c, QStandardItem(text))
        self.table.setModel(model)
        self.table.repaint()


def main() -> None:
    """Print the view's and the floor's times and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    print(f"CPU: {cpu_model()}")
    intensive, layer = layers()
    print(f"block: {OBSERVATIONS} trainee observations, {len(layer[1])} supervisor's, {BLOCK_S} s")
    view = AgreementView()
    view.resize(*SIZE)
    view.show()
    floor = Floor(floor_cells(intensive, layer))
    app.processEvents()

    def show() -> None:
        view.show_agreement(intensive, review_agreement(intensive, layer))
        view.repaint()

    gc.freeze()  # as the app does once a vault is open (app.ui.shell.process_policy)
    started = time.perf_counter()
    show()
    first = time.perf_counter() - started
    shown: list[float] = []
    floored: list[float] = []
    for _ in range(args.repeats):
        for work, out in ((show, shown), (floor.run, floored)):
            began = time.perf_counter()
            work()
            out.append(time.perf_counter() - began)
            app.processEvents()
    median, base = statistics.median(shown), statistics.median(floored)
    print(f"first view (cold): {first * 1000:.1f} ms; budget {BUDGET_MS:.0f} ms")
    print(f"view (compute + models + paint): {describe_ms(shown)}, best {min(shown) * 1000:.1f} ms")
    print(f"floor (bare table, same cells, painted): {describe_ms(floored)}")
    print(f"view / floor: {median / base:.1f}x")
    if statistics.median(shown) * 1000 > BUDGET_MS:
        print("OVER BUDGET")
        sys.exit(1)


if __name__ == "__main__":
    main()
