"""Inter-rater agreement: how far two coders of the same block saw the same stances.

A supervisor who codes a trainee's recorded block, or two clinicians checking
their calibration, need one number that says whether they agree beyond what
chance would give, and the list of events only one of them logged. Two views
are reported, because each hides something the other shows:

**Event agreement.** The two coders' observations are paired event to event
(same partner, times at most a tolerance apart, default 10 s, each event used
at most once), as in the time-window alignment of event sequences described
by Bakeman & Quera, *Sequential Analysis and Observational Methods for the
Behavioral Sciences* (Cambridge University Press, 2011), ch. 5. Cohen's kappa
and the percent agreement are computed on the stances of the paired events;
events left unpaired are listed for each side, since a missed flip matters
clinically as much as a mislabelled one.

**Time-sliced agreement.** Each second of the block is labelled, for each
partner and each coder, with the partner's current stance under the
stance-time rule (:mod:`app.domain.stance_time`). Seconds before a partner's
first observation, or past a coder's block end, carry no label and are
skipped; kappa is computed over the (second, partner) units both coders
labelled. This weighs a disagreement by how long it lasted.

**Cohen's kappa** (Cohen, J. 1960, "A coefficient of agreement for nominal
scales", *Educational and Psychological Measurement* 20(1):37-46) is
``(p_o - p_e) / (1 - p_e)`` with ``p_o`` the observed share of agreeing pairs
and ``p_e`` the agreement expected from the two coders' marginal frequencies.
It is computed in integers as ``(n*a - c) / (n*n - c)`` (``a`` agreeing pairs,
``c`` the sum over categories of row total times column total), so the edge
case is exact. When ``p_e = 1`` both coders used one and the same category for
every unit, which forces ``p_o = 1``; kappa is then 0/0, and is defined here
as 1.0, the limit of perfect agreement, so a supervisor's report reads
"agreed on everything" rather than showing a blank. The percent agreement,
reported beside it, shows how little such a kappa rests on. With no units at
all, kappa and percent agreement are None.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, TypeVar

from crucible.app.domain.block_span import effective_span
from crucible.app.domain.intensive import Block, Observation
from crucible.app.domain.stance_time import StanceSpan, stance_spans
from crucible.app.domain.vocabulary import PartnerKey, Stance

DEFAULT_MATCH_TOLERANCE_S: Final[int] = 10
"""Ten seconds: two people clicking on the same moment rarely differ by more."""

_L = TypeVar("_L", bound=Hashable)


def cohens_kappa(pairs: Iterable[tuple[_L, _L]]) -> float | None:
    """Return Cohen's kappa of paired labels (first coder, second coder).

    See the module docstring for the formula and for why the ``p_e = 1`` case
    gives 1.0. The result always lies in [-1, 1].

    Returns:
        Kappa, or None when there are no pairs.
    """
    return _kappa(Counter(pairs))


def percent_agreement(pairs: Iterable[tuple[_L, _L]]) -> float | None:
    """Return the percentage (0-100) of pairs whose labels agree, or None with no pairs."""
    return _percent(Counter(pairs))


def kappa_and_percent(pairs: Iterable[tuple[_L, _L]]) -> tuple[float | None, float | None]:
    """:func:`cohens_kappa` and :func:`percent_agreement` from one pass over the pairs.

    Tens of thousands of time-sliced units are counted once instead of twice
    (the agreement view's budget, issue 13).
    """
    cells = Counter(pairs)
    return _kappa(cells), _percent(cells)


def _kappa(cells: Counter[tuple[_L, _L]]) -> float | None:
    """Kappa from the counts of each (first, second) cell; one C-level pass built them."""
    n = sum(cells.values())
    if n == 0:
        return None
    agreeing = sum(count for (a, b), count in cells.items() if a == b)
    rows: Counter[_L] = Counter()
    columns: Counter[_L] = Counter()
    for (a, b), count in cells.items():
        rows[a] += count
        columns[b] += count
    chance = sum(count * columns[label] for label, count in rows.items())
    if chance == n * n:
        return 1.0
    return (n * agreeing - chance) / (n * n - chance)


def _percent(cells: Counter[tuple[_L, _L]]) -> float | None:
    n = sum(cells.values())
    if n == 0:
        return None
    return 100 * sum(count for (a, b), count in cells.items() if a == b) / n


def _check_tolerance(tolerance_s: float) -> None:
    if tolerance_s < 0:
        raise ValueError(f"tolerance must be zero or more seconds, not {tolerance_s}")


def match_times(
    first: Sequence[datetime], second: Sequence[datetime], tolerance_s: float
) -> tuple[tuple[int, int], ...]:
    """Pair times of two coders so that as many pairs as possible are at most a tolerance apart.

    The greedy two-pointer: take the first coder's times in order, and give
    each the earliest still-free time of the second coder inside its window
    ``[t - tol, t + tol]``; a second-coder time earlier than ``t - tol`` is
    dropped for good, since every later window starts later still.

    Why it is maximal. See each first-coder time as an interval and each
    second-coder time as a point; we want a largest set of (interval, point)
    pairs with the point inside the interval, each used once. All intervals
    have the same width, so ordering them by time is ordering them by right
    end ("earliest deadline first"). Take an optimal matching O that agrees
    with the greedy G on the first k-1 intervals, and look at interval I_k.
    The points still free are the same for both. (1) If G leaves I_k
    unmatched, no free point lies in I_k, so O leaves it unmatched too.
    (2) If G gives I_k the point p, p is the smallest free point in I_k.
    If O gives I_k another point q, then p <= q; if p is unused in O, swap q
    for p; if a later interval I_j holds p in O, give I_j the point q instead:
    q >= p >= start(I_j) and q <= end(I_k) <= end(I_j), so q fits I_j.
    If O leaves I_k unmatched, p is held by a later interval I_j in O (or O
    was not maximal); move p from I_j to I_k. Each change keeps O's size and
    makes it agree with G on k intervals; by induction G is as large as O.

    The pairs never cross (both sides advance in time order), which is what
    an alignment of two event streams should look like. Among maximal
    matchings, the greedy pairs each event with the earliest candidate, not
    always the nearest; maximality is what makes the unmatched lists honest.

    Args:
        first: The first coder's times, in any order.
        second: The second coder's times, in any order.
        tolerance_s: The most seconds two paired times may differ (inclusive).

    Returns:
        ``(index into first, index into second)`` pairs, in time order.

    Raises:
        ValueError: If ``tolerance_s`` is negative.
    """
    _check_tolerance(tolerance_s)
    tolerance = timedelta(seconds=tolerance_s)
    first_order = sorted(range(len(first)), key=first.__getitem__)
    second_order = sorted(range(len(second)), key=second.__getitem__)
    pairs: list[tuple[int, int]] = []
    cursor = 0
    for i in first_order:
        while cursor < len(second_order) and second[second_order[cursor]] < first[i] - tolerance:
            cursor += 1
        if cursor < len(second_order) and second[second_order[cursor]] <= first[i] + tolerance:
            pairs.append((i, second_order[cursor]))
            cursor += 1
    return tuple(pairs)


@dataclass(frozen=True, slots=True)
class MatchedPair:
    """Two coders' observations of the same moment of the same partner."""

    partner: PartnerKey
    first: Observation
    second: Observation

    @property
    def seconds_apart(self) -> float:
        """How far apart the two coders logged it."""
        return abs((self.second.at - self.first.at).total_seconds())


@dataclass(frozen=True, slots=True)
class EventMatch:
    """The event-to-event alignment of two coders' observations.

    Attributes:
        pairs: Matched observations, partner A's first, each in time order.
        unmatched_first: The first coder's observations with no partner event.
        unmatched_second: The second coder's observations with no partner event.
    """

    pairs: tuple[MatchedPair, ...]
    unmatched_first: tuple[Observation, ...]
    unmatched_second: tuple[Observation, ...]


def match_events(
    first: Sequence[Observation],
    second: Sequence[Observation],
    tolerance_s: float = DEFAULT_MATCH_TOLERANCE_S,
) -> EventMatch:
    """Align two coders' observations partner by partner with :func:`match_times`.

    Raises:
        ValueError: If ``tolerance_s`` is negative.
    """
    pairs: list[MatchedPair] = []
    used_first: set[int] = set()
    used_second: set[int] = set()
    for key in PartnerKey:
        mine = [i for i, o in enumerate(first) if o.partner == key]
        theirs = [j for j, o in enumerate(second) if o.partner == key]
        matched = match_times(
            [first[i].at for i in mine], [second[j].at for j in theirs], tolerance_s
        )
        for a, b in matched:
            used_first.add(mine[a])
            used_second.add(theirs[b])
            pairs.append(MatchedPair(key, first[mine[a]], second[theirs[b]]))
    return EventMatch(
        pairs=tuple(pairs),
        unmatched_first=tuple(o for i, o in enumerate(first) if i not in used_first),
        unmatched_second=tuple(o for j, o in enumerate(second) if j not in used_second),
    )


def second_labels(
    spans: Sequence[StanceSpan], origin: datetime, seconds: int
) -> tuple[Stance | None, ...]:
    """Label each second ``origin + k s`` (k < seconds) with the stance held then, or None.

    A span labels the seconds ``k`` with ``start <= origin + k s < end``. The
    spans are laid down as ranges of whole seconds, in integer microseconds,
    not second by second: a 1,000-observation block of three hours is a few
    thousand slice assignments instead of 10,800 datetime comparisons per
    partner and coder (bench/review_package.py, the agreement view's budget).

    Args:
        spans: One partner's spans in time order, as :func:`stance_spans` gives them
            (they never overlap).
        origin: The instant of second 0.
        seconds: How many seconds to label.
    """
    # k >= ceil(start / 1 s) and k < ceil(end / 1 s), in whole microseconds.
    # Filled last to first: were two spans to overlap, the earlier one wins.
    labels: list[Stance | None] = [None] * max(0, seconds)
    for span in reversed(spans):
        low = max(0, _ceil_seconds(span.start - origin))
        high = min(seconds, _ceil_seconds(span.end - origin))
        if low < high:
            labels[low:high] = [span.stance] * (high - low)
    return tuple(labels)


_MICROSECOND: Final = timedelta(microseconds=1)


def _ceil_seconds(offset: timedelta) -> int:
    """The smallest whole number of seconds at or after ``offset``, exactly (no floats)."""
    return -(-(offset // _MICROSECOND) // 1_000_000)


def _microseconds(offset: timedelta) -> int:
    """A timedelta as whole microseconds, exactly (its three integer fields, no floats)."""
    return (offset.days * 86_400 + offset.seconds) * 1_000_000 + offset.microseconds


def _partner_runs(
    block: Block, key: PartnerKey, origin: datetime, seconds: int
) -> list[tuple[int, int, Stance]]:
    """:func:`second_labels` of one partner's :func:`stance_spans`, as runs, in integers.

    Each run is ``(first second, past the last, stance)``. The spans are the
    stance-time rule's (each observation's stance held until the partner's
    next observation or the block's end, inside the span the block ran;
    same-instant observations in the order logged), computed here in
    microseconds from ``origin`` instead of as StanceSpan objects; a run
    starts no earlier than where the one before it ended, as the earlier
    span labels a second where two would both claim it. The hypothesis test
    holds it to ``Counter(time_sliced_pairs(...))``, which is built from
    :func:`stance_spans` itself.
    """
    ran = effective_span(block)
    first, last = _microseconds(ran.start - origin), _microseconds(ran.end - origin)
    own = sorted(
        ((_microseconds(o.at - origin), o.stance) for o in block.observations if o.partner is key),
        key=lambda item: item[0],
    )
    runs: list[tuple[int, int, Stance]] = []
    reached = 0
    for position, (at, stance) in enumerate(own):
        following = own[position + 1][0] if position + 1 < len(own) else last
        start = min(max(at, first), last)
        stop = max(min(following, last), start)
        low = max(reached, -(-start // 1_000_000))
        high = min(seconds, -(-stop // 1_000_000))
        if low < high:
            runs.append((low, high, stance))
        reached = max(reached, high)
    return runs


def _common_clock(first: Block, second: Block) -> tuple[datetime, int]:
    ran_first, ran_second = effective_span(first), effective_span(second)
    origin = min(ran_first.start, ran_second.start)
    horizon = max(ran_first.end, ran_second.end)
    return origin, max(0, math.ceil((horizon - origin).total_seconds()))


def time_sliced_cells(first: Block, second: Block) -> Counter[tuple[Stance, Stance]]:
    """How many (second, partner) units each (first, second) stance pair has.

    Exactly ``Counter(time_sliced_pairs(first, second))``, counted run
    against run instead of second by second, so a two-hour block costs a
    few thousand steps rather than fourteen thousand labels per coder
    (the agreement view's budget, issue 13). Kappa needs only these counts.
    """
    origin, seconds = _common_clock(first, second)
    cells: Counter[tuple[Stance, Stance]] = Counter()
    for key in PartnerKey:
        mine = _partner_runs(first, key, origin, seconds)
        theirs = _partner_runs(second, key, origin, seconds)
        i = j = 0
        while i < len(mine) and j < len(theirs):
            low = max(mine[i][0], theirs[j][0])
            high = min(mine[i][1], theirs[j][1])
            if low < high:
                cells[(mine[i][2], theirs[j][2])] += high - low
            if mine[i][1] <= theirs[j][1]:
                i += 1
            else:
                j += 1
    return cells


def cell_figures(cells: Counter[tuple[_L, _L]]) -> tuple[float | None, float | None]:
    """Kappa and percent agreement from counted cells (see :func:`time_sliced_cells`)."""
    return _kappa(cells), _percent(cells)


def time_sliced_pairs(first: Block, second: Block) -> tuple[tuple[Stance, Stance], ...]:
    """Return the (first, second) stance of every (second, partner) unit both coders labelled.

    The two codings are laid on one clock from the earlier start to the later
    end of the spans the blocks ran (:func:`effective_span`), so blocks
    recorded with slightly different bounds still line up by wall-clock time.
    """
    origin, seconds = _common_clock(first, second)
    pairs: list[tuple[Stance, Stance]] = []
    for key in PartnerKey:
        mine = second_labels(stance_spans(first, key), origin, seconds)
        theirs = second_labels(stance_spans(second, key), origin, seconds)
        pairs += [
            (a, b) for a, b in zip(mine, theirs, strict=True) if a is not None and b is not None
        ]
    return tuple(pairs)


@dataclass(frozen=True, slots=True)
class AgreementReport:
    """Two coders' agreement on one block.

    Attributes:
        tolerance_s: The matching tolerance used.
        pairs: Matched events.
        unmatched_first: Events only the first coder logged.
        unmatched_second: Events only the second coder logged.
        kappa: Cohen's kappa on the matched events' stances (None without pairs).
        percent_agreement: Share of matched events with the same stance, 0-100.
        time_kappa: Cohen's kappa over the (second, partner) units both labelled.
        time_percent_agreement: Share of those units with the same stance, 0-100.
        seconds_compared: How many (second, partner) units were compared.
    """

    tolerance_s: float
    pairs: tuple[MatchedPair, ...]
    unmatched_first: tuple[Observation, ...]
    unmatched_second: tuple[Observation, ...]
    kappa: float | None
    percent_agreement: float | None
    time_kappa: float | None
    time_percent_agreement: float | None
    seconds_compared: int


def compare_coders(
    first: Block, second: Block, tolerance_s: float = DEFAULT_MATCH_TOLERANCE_S
) -> AgreementReport:
    """Compare two codings of the same block, by events and by seconds.

    Args:
        first: The first coder's block (for instance the trainee's).
        second: The second coder's block of the same session (the supervisor's).
        tolerance_s: The most seconds two matched events may differ (inclusive).

    Returns:
        The agreement report; see the module docstring for the method.

    Raises:
        ValueError: If ``tolerance_s`` is negative.
    """
    return compare_coders_with_cells(first, second, tolerance_s)[0]


def compare_coders_with_cells(
    first: Block, second: Block, tolerance_s: float = DEFAULT_MATCH_TOLERANCE_S
) -> tuple[AgreementReport, Counter[tuple[Stance, Stance]]]:
    """:func:`compare_coders`, and the counted (second, partner) units its time kappa rests on.

    A caller pooling several blocks (the review's overall figure) adds the
    counts up; handing them back saves counting every block twice.
    """
    match = match_events(first.observations, second.observations, tolerance_s)
    stances = [(pair.first.stance, pair.second.stance) for pair in match.pairs]
    cells = time_sliced_cells(first, second)
    kappa, percent = kappa_and_percent(stances)
    time_kappa, time_percent = cell_figures(cells)
    report = AgreementReport(
        tolerance_s=tolerance_s,
        pairs=match.pairs,
        unmatched_first=match.unmatched_first,
        unmatched_second=match.unmatched_second,
        kappa=kappa,
        percent_agreement=percent,
        time_kappa=time_kappa,
        time_percent_agreement=time_percent,
        seconds_compared=sum(cells.values()),
    )
    return report, cells
