"""Re-planning the roster after field reports: the past is kept, the remaining weeks re-optimised."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from outreach.io import ProgressRow
from outreach.model import Campaign, Outing, Pair, Plan, Roster, Volunteer
from outreach.rules import outing_capacity

from .calendar import pair_sessions, week_limit
from .distances import road_distances
from .jobs import Job, build_jobs, callback_shares, chunk_visits
from .paid import paid_pair_outings, unpaid_note, within_paid
from .plan import by_date, unplaced_round_visits
from .schedule import PairTask, solve_pairs
from .spill import SpillContext, roster_notes, spill_unplaced
from .turfs import group_district, village_route

STRATEGY = "cp-sat-replan"
_REPORTED = 90  # callback weight bonus per household for reported not-at-home (rounds still weigh 1000)


@dataclass(frozen=True)
class CallbackSeed:
    """Households of one village owed callbacks: from ``release`` on, up to ``levels`` callbacks."""

    village: str
    households: int
    release: int  # first campaign day index
    avoid: frozenset[str]  # slots not to use (the slot where nobody answered)
    levels: int
    priority: int  # weight bonus per household (reported not-at-home)


@dataclass(frozen=True)
class _Context:
    """What every pair's re-planning shares."""

    campaign: Campaign
    today: dt.date
    cut: int  # campaign day index of ``today``
    kept: tuple[Outing, ...]
    dist: dict[str, dict[str, float]]
    cap: int
    shares: tuple[float, ...]


@dataclass
class _Ledger:
    """What the kept outings and the reports say: round visits done per village, callbacks owed per pair."""

    total_share: float  # expected callback households per round household
    max_callbacks: int
    cut: int
    done: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seeds: dict[str, list[CallbackSeed]] = field(default_factory=lambda: defaultdict(list))
    unreported_cb: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    last_round_day: dict[tuple[str, str], int] = field(default_factory=dict)


def replan(campaign: Campaign, plan: Plan, progress_rows: Sequence[ProgressRow], *, today: dt.date | None = None,
           time_limit_s: float = 10.0, seed: int = 0) -> Roster:
    """Re-optimise the remaining weeks after field reports, keeping the past.

    Parameters
    ----------
    campaign : Campaign
        The scenario the plan was made from.
    plan : Plan
        The saved plan (pairs and turfs are kept as they are).
    progress_rows : sequence of ProgressRow
        Reported village visits (see :func:`outreach.io.load_progress`).
    today : date, optional
        First date to re-plan. Default: the day after the last reported date
        (or the campaign start when nothing is reported).
    time_limit_s, seed : float, int
        As in :func:`optimizer.roster.plan_roster`.

    Returns
    -------
    Roster
        Every outing before ``today`` unchanged, new outings from ``today``:
        remaining rounds (planned work not yet done, plus households of
        cancelled outings and of reported rows that do not add up), callbacks
        for reported not-at-home households (at least two days after that
        outing, in another slot), and expected callbacks of unreported past
        rounds. Strategy ``"cp-sat-replan"``.

    Notes
    -----
    Rows dated on or after ``today`` are ignored (those outings are re-planned
    anyway). Unreported past outings count as done as planned, and their
    expected callbacks not yet made are re-planned. Not-at-home households
    reported on a round get up to ``canvass.max_callbacks`` callbacks
    (:func:`.jobs.callback_shares`); reported on a callback outing they get one more. The
    outings made and re-planned stay within what the allocation's budget
    pays (:mod:`.paid`): the latest surplus callbacks are left out, with a note.
    """
    cal = campaign.calendar
    old = plan.roster
    if today is None:
        today = (max(r.date for r in progress_rows) + dt.timedelta(days=1)) if progress_rows else cal.start
    cut = max(0, (today - cal.start).days)
    kept = tuple(o for o in old.outings if o.date < today)
    shares = callback_shares(campaign)
    ctx = _Context(campaign, today, cut, kept, road_distances(campaign), outing_capacity(campaign.params), shares)
    ledger = _ledger(ctx, progress_rows)
    rounds = {c: int(n) for c, n in plan.allocation.door_rounds_by_village.items() if int(n) > 0}
    vols = {v.id: v for v in campaign.volunteers}
    tasks = []
    groups = []
    for p in old.pairs:
        members = [vols[m] for m in p.members if m in vols]
        if members:
            tasks.append(_pair_task(ctx, p, members, _remaining(ctx, p, rounds, ledger), ledger.seeds.get(p.id, [])))
            groups.append(members)
    owned = {c for p in old.pairs for c in p.villages}
    geo = campaign.geography
    # work of villages nobody owns stays unmet
    unmet = sum(max(0, geo.village_by_code[c].households * n - ledger.done.get(c, 0)) for c, n in rounds.items()
                if c not in owned and c in geo.village_by_code)
    per_pair = 0.8 * time_limit_s / max(1, len(tasks))
    results = solve_pairs(tasks, per_pair, seed)
    # as in the plan: round outings and callbacks a pair cannot hold go to a pair of its district with room
    spill = SpillContext([group_district(g, geo) for g in groups], [[m.home_village for m in g] for g in groups],
                         ctx.dist, shares, ctx.cap, release=cut, village_name=lambda c: geo.village_by_code[c].name_en)
    results, helped = spill_unplaced(tasks, results, spill, time_limit_s=per_pair, seed=seed)
    unmet += unplaced_round_visits(results)
    # the budget's outings, less those already made: the latest surplus callbacks are left out, as in the plan
    new = [o for r in results for o in r.outings]
    paid = paid_pair_outings(campaign, plan.allocation)
    left = None if paid is None else paid - len(kept)
    new_kept, unpaid = within_paid(new, left)
    outings = list(kept) + list(new_kept)
    notes = roster_notes(tasks, results, spill, {}) + helped
    if unpaid and paid is not None:
        notes.append(unpaid_note(unpaid, paid, len(kept) + len(new)))
    return Roster(old.pairs, by_date(outings), STRATEGY, "PARTIAL" if unmet else "FEASIBLE", int(unmet),
                  tuple(notes))


def _ledger(ctx: _Context, progress_rows: Sequence[ProgressRow]) -> _Ledger:
    """Account every kept outing's village visits against the reports (a later row for the same visit wins)."""
    campaign = ctx.campaign
    reports: dict[tuple[str, dt.date, str], ProgressRow] = {}
    for r in progress_rows:
        reports[(r.pair_id, r.date, r.village_code)] = r
    ledger = _Ledger(sum(ctx.shares), int(campaign.params["canvass.max_callbacks"]), ctx.cut)
    for o in ctx.kept:
        d = (o.date - campaign.calendar.start).days
        for code, n in o.visits:
            rep = reports.get((o.pair_id, o.date, code))
            if o.kind == "round":
                _account_round(ledger, o, code, n, d, rep)
            else:
                _account_callback(ledger, o, code, n, d, rep)
    for (pid, code), owed in sorted(ledger.unreported_cb.items()):
        left = int(round(owed))
        if left > 0:
            release = max(ctx.cut, ledger.last_round_day.get((pid, code), 0) + 2)
            ledger.seeds[pid].append(CallbackSeed(code, left, release, frozenset(), 1, 0))
    return ledger


def _account_round(ledger: _Ledger, o: Outing, code: str, n: int, day: int, rep: ProgressRow | None) -> None:
    """A past round visit: unreported counts as done (its callbacks still expected); reported as reported."""
    if rep is None:
        ledger.done[code] += n
        ledger.unreported_cb[(o.pair_id, code)] += n * ledger.total_share
        ledger.last_round_day[(o.pair_id, code)] = max(day, ledger.last_round_day.get((o.pair_id, code), 0))
    elif not rep.cancelled:
        ledger.done[code] += min(n, rep.visited + rep.not_at_home + rep.refused)
        if rep.not_at_home and ledger.max_callbacks > 0:
            ledger.seeds[o.pair_id].append(CallbackSeed(code, rep.not_at_home, day + 2, frozenset({o.slot}),
                                                        ledger.max_callbacks, _REPORTED))


def _account_callback(ledger: _Ledger, o: Outing, code: str, n: int, day: int, rep: ProgressRow | None) -> None:
    """A past callback visit: unreported counts as made; cancelled goes back; not-at-home gets one more."""
    if rep is None:
        ledger.unreported_cb[(o.pair_id, code)] -= n
    elif rep.cancelled:
        ledger.seeds[o.pair_id].append(CallbackSeed(code, n, ledger.cut, frozenset(), 1, 0))
    elif rep.not_at_home:
        ledger.seeds[o.pair_id].append(CallbackSeed(code, rep.not_at_home, day + 2, frozenset({o.slot}), 1,
                                                    _REPORTED))


def _remaining(ctx: _Context, pair: Pair, rounds: dict[str, int], ledger: _Ledger) -> dict[str, int]:
    """Round household visits still to make in the pair's turf villages."""
    vb = ctx.campaign.geography.village_by_code
    remaining = {c: vb[c].households * rounds.get(c, 0) - ledger.done.get(c, 0) for c in pair.villages if c in vb}
    return {c: n for c, n in remaining.items() if n > 0}


def _pair_task(ctx: _Context, pair: Pair, members: list[Volunteer], remaining: dict[str, int],
               seeds: Sequence[CallbackSeed]) -> PairTask:
    """One pair's calendar problem from ``today``: remaining rounds, owed callbacks, what the past left of each week."""
    cal = ctx.campaign.calendar
    order = village_route(members[0].home_village, list(remaining), ctx.dist)
    jobs = build_jobs(chunk_visits([(c, remaining[c]) for c in order], ctx.cap), ctx.shares, ctx.cap,
                      release=ctx.cut)
    for s in seeds:
        jobs += _seed_jobs(s, len(jobs), ctx.shares, ctx.cap)
    busy = {o.date for o in ctx.kept if o.pair_id == pair.id}
    used: dict[int, int] = defaultdict(int)
    for o in ctx.kept:
        if o.pair_id == pair.id:
            used[cal.week_of(o.date)] += 1
    limits = {w: max(0, week_limit(members) - used[w]) for w in range(cal.weeks)}
    sessions = tuple(pair_sessions(ctx.campaign, members, from_date=ctx.today, busy=busy))
    return PairTask(pair.id, sessions, tuple(jobs), limits)


def _seed_jobs(seed: CallbackSeed, first_id: int, shares: Sequence[float], cap: int) -> list[Job]:
    """The chain of callback jobs of one seed, two days apart: level 0 visits the seed's households, level k
    those of them still not met, ``households × shares[k] / shares[0]`` (:func:`callback_shares`: households
    out once are out again more often than a first visit's share says)."""
    jobs: list[Job] = []
    prev: tuple[int, ...] = ()
    for level in range(seed.levels):
        hh = int(round(seed.households * (shares[level] / shares[0] if level else 1.0)))
        if hh <= 0:
            break
        ids = []
        for ch in chunk_visits([(seed.village, hh)], cap):
            jid = first_id + len(jobs)
            jobs.append(Job(jid, "callback", ch, after=prev, avoid_slots=seed.avoid, release=seed.release,
                            level=level, priority=seed.priority))
            ids.append(jid)
        prev = tuple(ids)
    return jobs
