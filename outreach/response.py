"""The one response model: expected reach and awareness in closed form.

The simulator (:mod:`outreach.simulate`) draws exactly this model; this
module computes its expectation without sampling, for the optimiser and for
:func:`outreach.simulate.expected_reach`.

Model
-----
*At-home heterogeneity (shared by all channels).* Each household has a
daytime at-home probability ``pi ~ Beta(a, b)`` with mean
``mu = canvass.p_answer_first_visit`` and ``a + b =
canvass.at_home_beta_concentration``. On an occasion (a date and slot) with
at-home exponent ``x`` someone is at home with probability
``A(pi, x) = 1 - (1 - pi)^x``: ``x = 1`` on weekday mornings/afternoons and
``x = x_ew`` in the evening or at the weekend, where ``x_ew`` solves
``E[A(pi, x_ew)] = m mu`` with ``m = canvass.evening_weekend_multiplier``
(so the *mean* contact rate rises by ``m`` while ``E[(1-pi)^X] = B(a, b+X) /
B(a, b)`` stays closed form). Because every channel that needs someone at
home uses the same ``pi``, households that are rarely home are missed by all
of them: overlap is counted once, and net reach is below Sainsbury.

*Door-to-door.* A round visit reaches its assigned households; contact when
someone is at home (``A``). A callback visits only households never
contacted so far, with selection probability ``s`` (1 when the callback
covers them all). Exposure per contact.

*Loudspeaker.* A pass exposes a household when its intelligible exposure
time is at least the message length (gate ``g`` in {0, 1}, from
:mod:`outreach.acoustics`) and someone is at home: ``g A(pi, x)``.

*Forum.* Attendance ``A(pi, x_f)`` with ``x_f`` solving ``E[A(pi, x_f)] =
t``, the attendance target ``t = min(forum.participation_rate, c 2^(-d /
forum.attendance_decay_km))`` at distance ``d`` from the venue (``c``
calibrated so that a forum draws ``forum.participants`` households in
expectation; see the simulator). Rarely-home households attend less.

*Banners.* Only a share ``c = banner.reader_share`` of a village's
households ever read its banners (the same people pass the same road; the
rest never do). Over the village, noticed passes average
``lambda = banners x banner.passes_per_week x weeks x awareness.p_banner_pass``;
they fall on the readers alone, Poisson with mean ``lambda / c`` each (a
zero-inflated Poisson, the two-point form of the NBD used for posters). A
noticed pass is the exposure and is remembered with the retention of its week
(``lambda_e = sum_w ... r_w``). So banner reach saturates at ``c``:
``c (1 - exp(-lambda / c))``, where independent noticings would compound
towards the whole village.

*Leaflets.* Given out on the volunteers' visits and at forums: when the plan
hands them out (``hand`` = 1), a household gets one door leaflet, at its
*first* door contact, or, if a visit finds nobody at home before any contact,
left at the door with probability ``l = leaflet.left_when_absent`` (the
seed's brochures went to "most households", far more than were met); one
found at the door means none is handed over later. Each forum attended
hands over one more. A leaflet is an exposure of its own: it leaves an
effective memory with probability ``p_leaflet r(t)`` at the visit's date,
independent of the contact's own memory; handed over in person it counts as
engaged for word of mouth, left at the door as informed. The door keeps a
five-state recursion per ``pi`` node (never met: no leaflet, left and
forgotten, left and remembered; met: without or with a remembered left
leaflet). The quantity to print is the expected door leaflets
(:attr:`VillageResponse.door_leaflets`) and forum hand-overs, plus
``leaflet.spare_share``.

*Awareness.* Each exposure of channel ``c`` on date ``t`` creates an
effective, retained memory with probability ``p_c r(t)``,
``r(t) = 2^(-(T - t) / half_life)`` with ``T`` the evaluation date
(``p_c = awareness.p_door``, ``p_loudspeaker``, ``p_forum``, ``p_leaflet``;
1 for a noticed banner pass). A household is directly aware when it holds at
least ``k = awareness.effective_frequency_k`` effective exposures.

*Word of mouth.* Newly aware households tell unaware neighbours in the same
village: engaged ones (door contact, forum or a leaflet handed over there,
with an effective exposure) at
rate ``w = awareness.wom_rate``, informed-only ones at ``w / E`` with ``E =
awareness.wom_engaged_vs_informed`` (Banerjee et al. 2013). An unaware
household hears with probability ``1 - exp(-lambda_v)``, ``lambda_v = w
(N_eng + N_inf / E) / H_v``. The closed form plugs in the expected counts
(mean field; the simulator uses the realised ones).

*Baseline.* A share ``b_v`` is aware before the campaign; final awareness
is ``b_v + (1 - b_v) [P_dir + (1 - P_dir)(1 - exp(-lambda_v))]``.

Given ``pi`` all exposures are independent (except door callbacks and door
leaflets, handled by a small state recursion), so expectations are sums over Gauss-Jacobi
nodes of the Beta law, with a count recursion (capped at ``k``) for the
effective frequency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .athome import attendance_exponent, beta_nodes, beta_shapes, evening_weekend_exponent

CHANNELS: tuple[str, ...] = ("door", "loudspeaker", "forum", "banner", "leaflet")
ENGAGED: frozenset[str] = frozenset({"door", "forum"})


def retention(days_before_end: ArrayLike, params: Mapping[str, float]) -> NDArray[np.float64]:
    """Share of memories still held at the evaluation date.

    Parameters
    ----------
    days_before_end : array_like
        Days from the exposure to the evaluation date (negative counts as 0).
    params : mapping
        ``awareness.half_life_weeks``.

    Returns
    -------
    ndarray
        ``2^(-days / (7 half_life))``.
    """
    d = np.maximum(np.asarray(days_before_end, dtype=float), 0.0)
    return np.exp2(-d / (7.0 * params["awareness.half_life_weeks"]))


def mid_campaign_retention(weeks: int, params: Mapping[str, float]) -> float:
    """Retention of an exposure at mid-campaign (``3.5 weeks`` days before the end), for undated exposures."""
    return float(retention(3.5 * weeks, params))


def banner_rates(
    banners: ArrayLike, weeks: int, params: Mapping[str, float], *, days_after_week_mid: ArrayLike | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Poisson means of noticed banner passes (``lambda_t``) and of remembered ones (``lambda_e``).

    Passes are spread evenly over the campaign weeks; a pass in week ``w``
    (mid-week, ``7 (weeks - w) - 3.5`` days before the end) is retained with
    :func:`retention`.
    """
    per_week = np.asarray(banners, float) * params["banner.passes_per_week"] * params["awareness.p_banner_pass"]
    days = 7.0 * (weeks - np.arange(weeks)) - 3.5 if days_after_week_mid is None else np.asarray(days_after_week_mid)
    return per_week * weeks, per_week * float(retention(days, params).sum())


# --------------------------------------------------------------------------- events
@dataclass(frozen=True)
class DoorEvent:
    """A door visit in time order. ``visit``: probability the household is on the list
    (round) or selected among never-contacted ones (callback); ``eff``: p_door x retention;
    ``leaflet``: p_leaflet x retention of the leaflet handed over at a first contact."""

    x: ArrayLike
    visit: ArrayLike
    eff: ArrayLike
    callback: bool = False
    leaflet: ArrayLike = 0.0


@dataclass(frozen=True)
class HomeEvent:
    """An exposure that needs someone at home: gate ``g``, exponent ``x``, ``eff`` = p_c x retention;
    ``leaflet``: p_leaflet x retention of the leaflet handed over at a forum attended (forums only)."""

    channel: str
    x: ArrayLike
    gate: ArrayLike
    eff: ArrayLike
    leaflet: ArrayLike = 0.0


@dataclass(frozen=True)
class Events:
    """Every exposure opportunity of the units, the input of :func:`direct_response`.

    ``door``: door visits in time order; ``home``: loudspeaker passes and
    forums; ``banner``: ``(lambda_t, lambda_e)``, mean numbers of noticed and
    of remembered banner passes per household; ``hand``: 1 where door and forum contacts hand
    over leaflets (their memories are the events' ``leaflet``), 0 where not;
    ``readers``: the share of households that ever read a banner
    (``banner.reader_share``; the passes fall on them alone); ``left``: the
    probability a leaflet is left at a household visited where nobody answered
    (``leaflet.left_when_absent``; only where ``hand`` is 1).
    """

    door: Sequence[DoorEvent] = ()
    home: Sequence[HomeEvent] = ()
    banner: tuple[ArrayLike, ArrayLike] = (0.0, 0.0)
    hand: ArrayLike = 0.0
    readers: float = 1.0
    left: float = 0.0


@dataclass(frozen=True)
class Direct:
    """Expected per-unit probabilities before word of mouth and baseline."""

    reached: NDArray[np.float64]
    aware: NDArray[np.float64]
    aware_engaged: NDArray[np.float64]
    by_channel: Mapping[str, NDArray[np.float64]]
    door_leaflets: NDArray[np.float64] | float = 0.0


def _bern(dist: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Add a Bernoulli(p) count to a capped count distribution (axis 0, last = '>= k')."""
    out = dist * (1.0 - p)
    out[1:] += dist[:-1] * p
    out[-1] += dist[-1] * p
    return out


def _poisson(dist: np.ndarray, lam: np.ndarray) -> np.ndarray:
    k = dist.shape[0] - 1
    pmf = [np.exp(-lam)]
    for j in range(1, k):
        pmf.append(pmf[-1] * lam / j)
    pmf.append(np.maximum(1.0 - sum(pmf), 0.0))  # tail '>= k'
    out = np.zeros_like(dist * lam)
    for i in range(k + 1):
        for j in range(k + 1):
            out[min(i + j, k)] += dist[i] * pmf[j]
    return out


def _conv(d1: np.ndarray, d2: np.ndarray) -> np.ndarray:
    k = d1.shape[0] - 1
    out = np.zeros(np.broadcast_shapes(d1.shape, d2.shape))
    for i in range(k + 1):
        for j in range(k + 1):
            out[min(i + j, k)] += d1[i] * d2[j]
    return out


def _unit(v: ArrayLike, shape: tuple[int, ...]) -> np.ndarray:
    """An event value with a leading axis for the ``pi`` nodes, kept at its own shape (it broadcasts to the units
    ``shape``): a door visit that varies by option only is worked out once per option, not per village."""
    x = np.asarray(v, float)
    np.broadcast_shapes(x.shape, shape)  # a value that does not fit the units is an error, as before
    return x.reshape((1,) * (len(shape) - x.ndim) + x.shape)[None]


#: Door subsystem states: never contacted (no leaflet; a leaflet left, not remembered; left and remembered),
#: contacted (no remembered left leaflet; with one).
_NONE, _LEFT, _LEFT_MEM, _MET, _MET_MEM = range(5)


def _door_states(door: Sequence[DoorEvent], lq: np.ndarray, shape: tuple[int, ...], k: int,
                 hand: np.ndarray, left: float) -> np.ndarray:
    """Door subsystem: probability of (state, engaged count) by ``pi`` node, shape (5, k + 1, nodes, *shape).

    The engaged count holds the door memories and the memory of the leaflet handed over at the first contact;
    a leaflet left where nobody answered (probability ``left`` when leaflets are handed out) is informed, not
    engaged, and its memory is the state (``_LEFT_MEM``, ``_MET_MEM``). One leaflet per household: a household
    that found one left is handed none when met later.
    """
    # the door's own shape: what its visits and the leaflet vary over (within the units' shape)
    own = np.broadcast_shapes(hand.shape[1:], *(_unit(getattr(ev, f), shape).shape[1:] for ev in door
                                                 for f in ("visit", "x", "eff", "leaflet")))
    d = np.zeros((5, k + 1, lq.shape[0]) + own)
    d[_NONE, 0] = 1.0
    for ev in door:
        v = _unit(ev.visit, shape)
        m = v * -np.expm1(_unit(ev.x, shape) * lq)  # visited and met
        gone = (v - m) * hand * left  # visited, nobody home, a leaflet left
        e = _unit(ev.eff, shape)
        lf = _unit(ev.leaflet, shape)
        new = np.zeros_like(d)
        for s, to in ((_NONE, _MET), (_LEFT, _MET), (_LEFT_MEM, _MET_MEM)):  # never contacted: met now
            met = d[s] * m
            new[to] += _bern(_bern(met, e), hand * lf) if s == _NONE else _bern(met, e)
            new[s] += d[s] - met
        lf_left = d[_NONE] * gone  # of the never contacted without a leaflet, those not met
        new[_NONE] -= lf_left
        new[_LEFT] += lf_left * (1.0 - lf)
        new[_LEFT_MEM] += lf_left * lf
        for s in (_MET, _MET_MEM):  # already contacted: a round meets them again, a callback skips them
            new[s] += d[s] if ev.callback else d[s] * (1.0 - m) + _bern(d[s] * m, e)
        d = new
    return d


def _home_counts(
    home: Sequence[HomeEvent], lq: np.ndarray, shape: tuple[int, ...], k: int, none: dict[str, np.ndarray],
    hand: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Effective-count distributions of engaged (forum, with its leaflet) and informed (loudspeaker) home exposures.

    Multiplies each event's miss probability into ``none[channel]`` (updated in place); a forum attended with
    leaflets handed out also into ``none["leaflet"]``.
    """
    # both grow to the shape their events vary over (broadcasting), not to the units' shape up front
    forum = np.zeros((k + 1, lq.shape[0]) + (1,) * len(shape))
    forum[0] = 1.0
    informed = forum.copy()
    for ev in home:
        p = _unit(ev.gate, shape) * -np.expm1(_unit(ev.x, shape) * lq)
        none[ev.channel] = none[ev.channel] * (1.0 - p)
        if ev.channel in ENGAGED:  # attended: the forum's memory and, apart, its leaflet's
            lf = hand * _unit(ev.leaflet, shape)
            none["leaflet"] = none["leaflet"] * (1.0 - hand * p)
            forum = forum * (1.0 - p) + p * _bern(_bern(forum, _unit(ev.eff, shape)), lf)
        else:
            informed = _bern(informed, p * _unit(ev.eff, shape))
    return forum, informed


def _add_banner(events: Events, shape: tuple[int, ...], informed: np.ndarray,
                none: dict[str, np.ndarray]) -> np.ndarray:
    """Banner exposures added to the informed count (miss probability into ``none``).

    A reader (share ``c``) notices Poisson(``lambda_t / c``) passes and remembers Poisson(``lambda_e / c``);
    a non-reader none: the count is a mixture of the two.
    """
    ones = np.ones(informed.shape[1:])
    lt, le = (_unit(v, shape) for v in events.banner)
    c = float(events.readers)
    none["banner"] = none["banner"] * ((1.0 - c) + c * np.exp(-lt / c))
    return (1.0 - c) * informed + c * _poisson(informed, le / c * ones)


def direct_response(shape: tuple[int, ...], events: Events, *, a: float, b: float, k: int, nodes: int = 48) -> Direct:
    """Expected direct reach and awareness per unit (household or village type).

    Parameters
    ----------
    shape : tuple of int
        Shape of the units; every event array broadcasts to it.
    events : Events
        Door visits in time order, loudspeaker passes and forums, banners and leaflets.
    a, b : float
        At-home Beta shapes.
    k : int
        Effective frequency.
    nodes : int
        Gauss-Jacobi nodes for the expectation over ``pi``.

    Returns
    -------
    Direct
        ``reached = 1 - E[prod (1 - P(exposure_e | pi))]``; ``aware = P(effective count >= k)``;
        ``aware_engaged`` = aware with at least one effective door/forum exposure;
        ``by_channel`` reach per channel (``leaflet``: households handed at least one);
        ``door_leaflets``: households given a leaflet at the door (met, or left where nobody answered).
    """
    lq, w = beta_nodes(float(a), float(b), nodes)
    lq = lq[(slice(None),) + (None,) * len(shape)]
    full = (len(w),) + shape
    hand = _unit(events.hand, shape)
    d = _door_states(events.door, lq, shape, k, hand, float(events.left))
    plain, with_left = d[[_NONE, _LEFT, _MET]].sum(axis=0), d[[_LEFT_MEM, _MET_MEM]].sum(axis=0)
    none = {c: np.ones(full) for c in CHANNELS}
    none["door"] = d[[_NONE, _LEFT, _LEFT_MEM]].sum(axis=(0, 1))
    untouched = d[_NONE].sum(axis=0)  # neither met nor given a leaflet at the door
    # a leaflet at the first door contact or left at the door (exact for hand in {0, 1}, the only values the
    # plans give)
    none["leaflet"] = 1.0 - hand * (1.0 - untouched)
    forum, informed = _home_counts(events.home, lq, shape, k, none, hand)
    informed = _add_banner(events, shape, informed, none)
    # a remembered left leaflet is one more informed memory
    total = _conv(_conv(plain + _bern(with_left, np.ones(())), forum), informed)
    aware = total[k]
    no_engaged_aware = forum[0] * (plain[0] * informed[k] + with_left[0] * informed[max(k - 1, 0):].sum(axis=0))
    # leaflets come with a door or forum contact, or are left at a door visited: the door's reach counts the
    # households met or given one there, the forum's its attendees
    none_all = np.prod(np.stack(np.broadcast_arrays(
        *(untouched if c == "door" else v for c, v in none.items() if c != "leaflet"))), axis=0)

    def mean(v: np.ndarray) -> np.ndarray:
        return np.tensordot(w, v, axes=(0, 0))

    def at_units(v: np.ndarray) -> np.ndarray:  # every result at the units' shape, whatever it varied over
        return np.array(np.broadcast_to(mean(v), shape))

    return Direct(
        reached=at_units(1.0 - none_all),
        aware=at_units(aware),
        aware_engaged=at_units(aware - no_engaged_aware),
        by_channel={c: at_units(1.0 - v) for c, v in none.items()},
        door_leaflets=at_units(hand * (1.0 - untouched)),
    )


def word_of_mouth(
    households: ArrayLike, new_engaged: ArrayLike, new_informed: ArrayLike, params: Mapping[str, float]
) -> NDArray[np.float64]:
    """Probability an unaware household of the village hears by word of mouth.

    ``1 - exp(-w (N_eng + N_inf / E) / H)`` with ``w = awareness.wom_rate``,
    ``E = awareness.wom_engaged_vs_informed``.
    """
    h = np.maximum(np.asarray(households, float), 1.0)
    lam = params["awareness.wom_rate"] * (
        np.asarray(new_engaged, float) + np.asarray(new_informed, float) / params["awareness.wom_engaged_vs_informed"]
    ) / h
    return -np.expm1(-lam)


def final_awareness(baseline: ArrayLike, direct: ArrayLike, wom: ArrayLike) -> NDArray[np.float64]:
    """Share aware at the evaluation date: ``b + (1 - b) (P_dir + (1 - P_dir) P_wom)``."""
    b, p, q = (np.asarray(v, float) for v in (baseline, direct, wom))
    return b + (1.0 - b) * (p + (1.0 - p) * q)


# --------------------------------------------------------------------------- optimiser API
@dataclass(frozen=True)
class VillageInputs:
    """What villages (or candidate options for them) receive; all arrays broadcast together.

    Attributes
    ----------
    households : array_like
        Households per village.
    door_rounds : array_like of int
        Rounds visiting every household.
    callbacks : array_like of int
        Callback visits after each round, each covering all never-contacted households.
    loudspeaker_passes : array_like of int
        Passes on distinct occasions.
    loudspeaker_share : array_like
        Share of households within intelligible range for a message length on a pass.
    forum : array_like of int
        Forums the village's households are invited to.
    banners : array_like of int
        Banners on the village road.
    leaflets : array_like
        1 where door and forum contacts hand over leaflets (one at a household's first door contact, one
        per forum attended), 0 where not.
    baseline_awareness : array_like
        Share aware before the campaign.
    forum_attendance : array_like, optional
        Attendance probability per forum; default ``forum.participation_rate``
        (venue in the village).
    """

    households: ArrayLike
    door_rounds: ArrayLike
    callbacks: ArrayLike
    loudspeaker_passes: ArrayLike
    loudspeaker_share: ArrayLike
    forum: ArrayLike
    banners: ArrayLike
    leaflets: ArrayLike
    baseline_awareness: ArrayLike
    forum_attendance: ArrayLike | None = None


@dataclass(frozen=True)
class VillageResponse:
    """Expected households reached (any channel exposure) and aware at the end (baseline + new);
    ``met_at_door`` households ever met at the door, ``door_leaflets`` households given a leaflet at the door
    (met, or left where nobody answered), ``forum_leaflets`` leaflets handed over at forums
    (one per household attendance; 0 without leaflets)."""

    reached: NDArray[np.float64] | float
    aware: NDArray[np.float64] | float
    met_at_door: NDArray[np.float64] | float = 0.0
    forum_leaflets: NDArray[np.float64] | float = 0.0
    door_leaflets: NDArray[np.float64] | float = 0.0


def _door_schedule(
    rounds: np.ndarray, cbs: np.ndarray, x_door: float, eff: float, max_rounds: int, max_callbacks: int,
    leaflet: float,
) -> list[DoorEvent]:
    """Rounds in order, each followed by its callbacks (switched on where the counts reach them)."""
    door: list[DoorEvent] = []
    for r in range(max_rounds):
        on = (rounds > r).astype(float)
        door.append(DoorEvent(x_door, on, eff, leaflet=leaflet))
        for c in range(max_callbacks):
            door.append(DoorEvent(x_door, on * (cbs > c), eff, callback=True, leaflet=leaflet))
    return door


def _loudspeaker_passes(passes: np.ndarray, gate: float, eff: float, max_passes: int) -> list[HomeEvent]:
    """Loudspeaker passes on weekday daytime occasions, switched on where the counts reach them."""
    return [HomeEvent("loudspeaker", 1.0, gate * (passes > j), eff) for j in range(max_passes)]


def village_response_array(
    inputs: VillageInputs,
    params: Mapping[str, float],
    *,
    evening_weekend: bool = False,
    weeks: int = 8,
    max_rounds: int = 6,
    max_passes: int = 8,
) -> VillageResponse:
    """Vectorised :func:`village_response` over arrays of villages or candidates.

    All arrays of ``inputs`` broadcast together. Integer counts are used as
    given up to ``max_rounds`` door rounds (callbacks per round up to
    ``canvass.max_callbacks`` + 1) and ``max_passes`` loudspeaker passes;
    larger values are clipped (the response is saturated there).

    Timing: with no dates at hand, every exposure is taken at mid-campaign
    (retention ``2^(-(weeks/2) / half_life)``) and banners stay up the whole
    ``weeks``. Loudspeaker passes are weekday daytime; door visits use the
    evening/weekend exponent when ``evening_weekend``.

    Parameters
    ----------
    inputs : VillageInputs
        What each village (or candidate) receives.
    params : mapping
        Engine parameters.
    evening_weekend : bool
        Door visits in the evening or at the weekend.
    weeks : int
        Campaign length.
    max_rounds, max_passes : int
        Caps on the loops (static shapes).

    Returns
    -------
    VillageResponse
        Expected households reached and aware (baseline + new), arrays.
    """
    # each input keeps its own shape (options vary along one axis, villages along another): the channels that do
    # not depend on the village are worked out once per option; the results come out at the broadcast shape
    cols = [np.asarray(v, float) for v in (
        inputs.households, inputs.door_rounds, inputs.callbacks, inputs.loudspeaker_passes, inputs.loudspeaker_share,
        inputs.forum, inputs.banners, inputs.leaflets, inputs.baseline_awareness)]
    h, rounds, cbs, passes, share, forums, ban, leaf, base = cols
    shape = np.broadcast_shapes(*(c.shape for c in cols))
    a, b = beta_shapes(params)
    k = int(params["awareness.effective_frequency_k"])
    r_mid = mid_campaign_retention(weeks, params)
    x_door = evening_weekend_exponent(a, b, params["canvass.evening_weekend_multiplier"]) if evening_weekend else 1.0
    att = params["forum.participation_rate"] if inputs.forum_attendance is None else inputs.forum_attendance
    x_forum = attendance_exponent(np.broadcast_to(att, shape), a, b)
    door = _door_schedule(rounds, cbs, x_door, params["awareness.p_door"] * r_mid, max_rounds,
                          int(params["canvass.max_callbacks"]) + 1, params["awareness.p_leaflet"] * r_mid)
    p_lf = params["awareness.p_leaflet"] * r_mid
    forum_events = [
        HomeEvent("forum", x_forum, (forums > f).astype(float), params["awareness.p_forum"] * r_mid, p_lf)
        for f in range(4)
    ]
    banner = banner_rates(ban, weeks, params)
    hand = np.clip(leaf, 0.0, 1.0)
    p_ls = params["awareness.p_loudspeaker"] * r_mid
    # two household types: within intelligible range of the route (gate 1) or not (gate 0)
    inside, outside = (
        direct_response(shape, Events(door, _loudspeaker_passes(passes, gate, p_ls, max_passes) + forum_events,
                                      banner, hand, params["banner.reader_share"],
                                      params["leaflet.left_when_absent"]), a=a, b=b, k=k)
        for gate in (1.0, 0.0)
    )
    reached = share * inside.reached + (1.0 - share) * outside.reached
    direct = share * inside.aware + (1.0 - share) * outside.aware
    engaged = share * inside.aware_engaged + (1.0 - share) * outside.aware_engaged
    wom = word_of_mouth(h, h * (1 - base) * engaged, h * (1 - base) * (direct - engaged), params)
    attended = np.minimum(forums, len(forum_events)) * np.broadcast_to(np.asarray(att, float), shape)
    return VillageResponse(reached=h * reached, aware=h * final_awareness(base, direct, wom),
                           met_at_door=h * inside.by_channel["door"], forum_leaflets=h * hand * attended,
                           door_leaflets=h * inside.door_leaflets)


def village_response(
    inputs: VillageInputs, params: Mapping[str, float], *, evening_weekend: bool = False, weeks: int = 8
) -> VillageResponse:
    """Expected households reached and aware in one village (closed form).

    See the module docstring for every formula and
    :func:`village_response_array` for the arguments; this is its scalar
    form (``inputs`` holds numbers) and returns floats.
    """
    r = village_response_array(
        inputs, params, evening_weekend=evening_weekend, weeks=weeks,
        max_rounds=max(int(np.asarray(inputs.door_rounds)), 1),
        max_passes=max(int(np.asarray(inputs.loudspeaker_passes)), 1),
    )
    return VillageResponse(reached=float(np.asarray(r.reached)), aware=float(np.asarray(r.aware)))
