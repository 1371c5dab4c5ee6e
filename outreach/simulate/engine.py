"""The Monte Carlo over all villages: households reached and aware, and what it costs.

* Engine: villages are drawn one by one (:mod:`.village`), in groups of
  villages spread over forked worker processes when asked; every sum is a
  count, so the result is the same for any number of workers.
* Seeding: the default seed is ``campaign.seed``; every random plane comes
  from a stream keyed by village and purpose (:mod:`.streams`), so plans
  run on common random numbers and results do not depend on the blocking
  of replications or the number of worker processes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..households import Households
from ..media import MEDIA
from ..model import Band, Campaign, Plan, Priorities, Reach
from ..parallel import fork_map
from ..response import CHANNELS
from .exposures import PlanExposures, households_and_seed, plan_exposures
from .people import MET_KEYS
from .village import FIRST_KEYS, VillageDraws, simulate_village, village_exposure_counts


@dataclass(frozen=True)
class SimulationOptions:
    """How to run :func:`simulate_detailed` (the keywords of :func:`simulate`, which documents them)."""

    replications: int | None = None
    seed: int | None = None
    households: Households | None = None
    priorities: Priorities | None = None
    chunk_households: int = 1 << 20
    workers: int = 1


@dataclass(frozen=True)
class SimulationResult:
    """A :class:`~outreach.model.Reach` plus what it has no field for.

    ``frequency`` maps the number of channel exposures (0..9, and 10 for
    ">= 10") to mean households; exposures are door contacts, loudspeaker
    passes heard, forums attended, banners noticed (counted once) and a
    leaflet received; ``usd_per_reached``/``usd_per_aware`` divide
    the plan's budget (``allocation.planned_usd``; None when it is 0) by mean
    households reached and newly aware (aware at the end minus the expected
    baseline-aware households).
    """

    reach: Reach
    frequency: Mapping[int, float]
    usd_per_reached: float | None
    usd_per_aware: float | None
    newly_aware: Band
    #: Totals of every replication (arrays of length R), for bands of differences between plans simulated on
    #: common random numbers: households_reached, households_aware, newly_aware, women_reached, men_reached,
    #: women_met, men_met.
    per_replication: Mapping[str, NDArray[np.float64]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Work:
    """The inputs every group of villages needs (handed to forked workers)."""

    ex: PlanExposures
    replications: int
    seed: int
    chunk: int


@dataclass(frozen=True)
class _Totals:
    """Per-replication sums over a group of villages, and each village's means."""

    sums: VillageDraws
    by_village: NDArray[np.float64]  # (2, villages): mean reached, mean aware; 0 outside the group

    def __add__(self, other: _Totals) -> _Totals:
        return _Totals(self.sums + other.sums, self.by_village + other.by_village)


def _run_villages(work: _Work, villages: Sequence[int]) -> _Totals:
    R = work.replications
    sums = VillageDraws.zeros(R)
    by_v = np.zeros((2, len(work.ex.villages)))
    for v in villages:
        d = simulate_village(work.ex, v, R, work.seed, work.chunk)
        sums = sums + d
        by_v[0, v] = d.reached.mean()
        by_v[1, v] = d.aware.mean()
    return _Totals(sums, by_v)


def _balanced_groups(sizes: NDArray[np.float64], n: int) -> list[list[int]]:
    """Contiguous village groups of similar household counts."""
    cum = np.cumsum(sizes)
    cuts = np.searchsorted(cum, np.linspace(0, cum[-1], n + 1)[1:-1])
    return [g.tolist() for g in np.split(np.arange(len(sizes)), cuts) if g.size]


def _run_all(work: _Work, workers: int) -> _Totals:
    """Every village, in groups of villages spread over ``workers`` forked processes.

    Every sum is a count (exact in float64) and each village's means sit in
    their own column, so the grouping does not change the result.
    """
    nv = len(work.ex.villages)
    if workers > 1 and nv > 1:
        groups = _balanced_groups(work.ex.households.count_by_village().astype(float) + 1.0, 8 * workers)
    else:
        groups = [list(range(nv))]
    parts = fork_map(_run_villages, groups, shared=work, workers=workers)
    total = parts[0]
    for p in parts[1:]:
        total = total + p
    return total


def _band(x: NDArray[np.float64]) -> Band:
    return Band(float(x.mean()), float(np.quantile(x, 0.05)), float(np.quantile(x, 0.95)))


def _by_channel(met: NDArray[np.float64]) -> dict[str, dict[str, Band]]:
    """Rows of ``VillageDraws.met`` as ``{channel: {sex: band}}``."""
    out: dict[str, dict[str, Band]] = {}
    for row, (channel, sex) in zip(met, MET_KEYS):
        out.setdefault(channel, {})[sex] = _band(row)
    return out


def _reach(ex: PlanExposures, totals: _Totals, replications: int, seed: int) -> Reach:
    codes, t, by_village = ex.households.village_codes, totals.sums, totals.by_village
    return Reach(
        households_reached=_band(t.reached),
        households_aware=_band(t.aware),
        women_reached=_band(t.women),
        men_reached=_band(t.men),
        reached_by_sangkat=ex.by_sangkat(by_village[0]),
        reached_by_village=dict(zip(codes, by_village[0].tolist())),
        aware_by_village=dict(zip(codes, by_village[1].tolist())),
        exposure_by_channel={c: float(t.channel[i].mean()) for i, c in enumerate(CHANNELS)}
        | {c: float(t.media[i].mean()) for i, c in enumerate(MEDIA)} | {"word_of_mouth": float(t.channel[-1].mean())},
        replications=replications,
        seed=seed,
        method="monte-carlo",
        households_met_at_door=_band(t.channel[CHANNELS.index("door")]),
        people_met={"women": _band(t.met[0] + t.met[2]), "men": _band(t.met[1] + t.met[3])},
        people_met_by_channel=_by_channel(t.met),
        people_informed={"women": _band(t.informed[0]), "men": _band(t.informed[1])},
        aware_by_first_channel={c: _band(t.first[i]) for i, c in enumerate(FIRST_KEYS)},
    )


def simulate_detailed(
    campaign: Campaign, plan: Plan, options: SimulationOptions = SimulationOptions()
) -> SimulationResult:
    """Monte Carlo reach with the exposure-frequency distribution and costs.

    Parameters
    ----------
    campaign, plan
        As for :func:`simulate`.
    options : SimulationOptions
        The keywords of :func:`simulate`; ``workers > 1`` forks that many
        processes over groups of villages (results are identical to one worker).

    Returns
    -------
    SimulationResult
    """
    R = int(options.replications if options.replications is not None else campaign.params["simulation.replications"])
    if R < 1:
        raise ValueError("replications must be at least 1")
    hh, seed = households_and_seed(campaign, options.households, options.seed)
    ex = plan_exposures(campaign, plan, hh, priorities=options.priorities, workers=options.workers)
    t = _run_all(_Work(ex, R, seed, int(options.chunk_households)), options.workers)
    reach = _reach(ex, t, R, seed)
    base = float(np.sum(ex.counts["households"] * ex.counts["baseline_awareness"]))
    usd = plan.allocation.planned_usd
    newly = t.sums.aware - base  # expected baseline removed: a per-replication estimate of new awareness
    return SimulationResult(
        reach=reach,
        frequency={i: float(v) for i, v in enumerate(t.sums.freq.mean(axis=0))},
        usd_per_reached=usd / reach.households_reached.mean if usd > 0 and reach.households_reached.mean > 0 else None,
        usd_per_aware=usd / newly.mean() if usd > 0 and newly.mean() > 0 else None,
        newly_aware=_band(newly),
        per_replication={"households_reached": t.sums.reached, "households_aware": t.sums.aware,
                         "households_met_at_door": t.sums.channel[CHANNELS.index("door")],
                         "newly_aware": newly, "women_reached": t.sums.women, "men_reached": t.sums.men,
                         # people met in person (door and forum), as summary.json's people_met
                         "women_met": t.sums.met[0] + t.sums.met[2], "men_met": t.sums.met[1] + t.sums.met[3]},
    )


def simulate(
    campaign: Campaign,
    plan: Plan,
    *,
    replications: int | None = None,
    seed: int | None = None,
    households: Households | None = None,
    priorities: Priorities | None = None,
    chunk_households: int = 1 << 20,
    workers: int = 1,
) -> Reach:
    """Monte Carlo households reached and aware for a plan.

    Parameters
    ----------
    campaign : Campaign
        Area, calendar, parameters and seed.
    plan : Plan
        The plan to evaluate.
    replications : int, optional
        Default ``simulation.replications``.
    seed : int, optional
        Default ``campaign.seed``. With the same seed, households and
        replications the result is identical; different plans share random
        numbers (see :mod:`outreach.simulate.streams`).
    households : Households, optional
        Default :func:`~outreach.households.synthesize_households` with the same seed.
    priorities : Priorities, optional
        Baseline awareness per village (``priorities.awareness(code)``);
        default ``awareness.baseline``.
    chunk_households : int
        Most household-replications held in one block: the memory bound
        (about 30 bytes each at peak, plus 4 per occasion of the village).
    workers : int
        Processes over village groups (fork; 1 = in process).

    Returns
    -------
    Reach
        Households reached (>= 1 channel exposure) and aware at the
        campaign end (baseline-aware + newly aware) as mean and 5/95 %
        bands over replications; persons in reached households by sex;
        means by sangkat, village and channel exposure; households met at
        the door, people met at door visits and forums by sex (and by channel,
        loudspeaker listeners included), people informed by sex, and aware
        households by the channel that made them aware, as bands;
        ``method="monte-carlo"``.
    """
    options = SimulationOptions(replications, seed, households, priorities, chunk_households, workers)
    return simulate_detailed(campaign, plan, options).reach


def exposure_counts(
    campaign: Campaign,
    plan: Plan,
    *,
    replications: int,
    seed: int | None = None,
    households: Households | None = None,
    priorities: Priorities | None = None,
) -> NDArray[np.int16]:
    """Channel exposures per household and replication (diagnostics, CRN tests).

    Parameters
    ----------
    campaign, plan, seed, households, priorities
        As for :func:`simulate`.
    replications : int
        Replications to draw.

    Returns
    -------
    ndarray of int16, shape (replications, households)
        Door contacts + loudspeaker passes heard + forums attended + banner
        noticed + leaflet received, in ``households`` order.
    """
    hh, seed = households_and_seed(campaign, households, seed)
    ex = plan_exposures(campaign, plan, hh, priorities=priorities)
    return np.concatenate([village_exposure_counts(ex, v, replications, seed) for v in range(len(ex.villages))], axis=1)
