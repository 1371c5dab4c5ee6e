"""Households met at the door, people met and informed by sex, and the channel that made a household aware.

Hand-checkable cases: one village, every household at home with the same
known probability (no heterogeneity), Monte Carlo means within about 4
standard errors of the hand value; timing cases use common random numbers
(the same household is at home on the same occasions whatever the plan),
so they compare counts exactly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pytest

from outreach.athome import beta_shapes, evening_weekend_exponent, expected_women_share_at_door
from outreach.households import synthesize_households
from outreach.model import Campaign, Outing, Plan, Reach
from outreach.simulate import door_slot_mix, expected_reach, simulate
from outreach.simulate.village import FIRST_KEYS, _moment, time_key
from tests.outreach.simulate.builders import (
    DENSE,
    NO_DECAY,
    START,
    degenerate,
    make_campaign,
    make_plan,
    rounds,
    straight_pass,
)

QUIET = {"awareness.baseline": 0.0, "awareness.wom_rate": 0.0, **NO_DECAY}  # only the plan makes anyone aware
H, P, R = 2000, 0.3, 40


def _run(camp: Campaign, plan: Plan, p: float = P, replications: int = R) -> Reach:
    hh = degenerate(synthesize_households(camp.geography, camp.params, seed=1), p)
    return simulate(camp, plan, replications=replications, seed=5, households=hh)


def _near(mean: float, expected: float, var_per_replication: float, replications: int = R) -> None:
    se = math.sqrt(var_per_replication / replications)
    assert abs(mean - expected) <= 4 * se + 1e-9, (mean, expected, se)


# --------------------------------------------------------------------------- households met at the door
def test_households_met_counts_each_household_once_over_rounds_and_callbacks() -> None:
    camp = make_campaign((H,), QUIET)
    # two full rounds and one callback, all on weekday mornings (at-home exponent 1)
    plan = make_plan(rounds(camp, 2) + rounds(camp, 1, day0=2, kind="callback"))
    r = _run(camp, plan)
    q = 1 - (1 - P) ** 3  # met at least once in three independent visits; revisits would give 3 P = 0.9
    assert r.households_met_at_door is not None
    _near(r.households_met_at_door.mean, H * q, H * q * (1 - q))
    assert r.households_met_at_door.p05 <= r.households_met_at_door.mean <= r.households_met_at_door.p95
    # door capacity scheduled (visits, revisits included) is far above households met
    assert sum(o.households for o in plan.roster.outings) == 3 * H > r.households_met_at_door.p95


def test_households_met_zero_without_door_visits() -> None:
    camp = make_campaign((300,), QUIET)
    r = _run(camp, make_plan(leaflets=300))
    assert r.households_met_at_door is not None and r.households_met_at_door.mean == 0.0
    assert r.people_met is not None and r.people_met["women"].mean == r.people_met["men"].mean == 0.0


# --------------------------------------------------------------------------- people met
#: Hand-friendly at-home-by-sex figures: weekday day w = 1 - 0.5 x 0.8 = 0.6, m = 1 - 0.8125 x 0.8 = 0.35;
#: weekday evening everyone home (w = m = 1); weekend w = 0.8, m = 0.675; o = 0.5.
SEX = {"athome.women_employed": 0.5, "athome.men_employed": 0.8125, "athome.away_weekday_day": 0.8,
       "athome.away_weekday_evening": 0.0, "athome.away_weekend": 0.4, "athome.woman_opens_when_both": 0.5}
#: P(the woman answers | someone answers), by hand: (0.39 + 0.105) / 0.74; o = 0.5; (0.26 + 0.27) / 0.935
SHARE = {"weekday_day": 0.495 / 0.74, "weekday_evening": 0.5, "weekend": 0.53 / 0.935}
#: P(the woman / the man is at home | someone is): 0.6 / 0.74 and 0.35 / 0.74 on a weekday daytime
HEARS = {"women": 0.6 / 0.74, "men": 0.35 / 0.74}


def _saturday_round(camp: Campaign, slot: str = "morning", kind: str = "round") -> list[Outing]:
    visits = tuple((v.code, v.households) for v in camp.geography.villages)
    return [Outing("p1", START + dt.timedelta(5), slot, visits, kind)]  # type: ignore[arg-type]


def _share_near(women: float, total: float, share: float) -> None:
    """``women`` of ``total`` people (mean over R replications): binomial error of the share."""
    assert total > 100
    _near(women / total, share, share * (1 - share) / total)


@pytest.mark.parametrize("kind", ["weekday_day", "weekday_evening", "weekend"])
def test_person_met_at_the_door_by_sex_is_the_at_home_model_share_of_the_slot(kind: str) -> None:
    camp = make_campaign((H,), {**QUIET, **SEX})
    outings = {"weekday_day": rounds(camp, 1), "weekday_evening": rounds(camp, 1, slot="evening"),
               "weekend": _saturday_round(camp)}[kind]
    r = _run(camp, make_plan(outings))
    assert r.people_met is not None and r.households_met_at_door is not None and r.people_met_by_channel is not None
    met, women, men = r.households_met_at_door.mean, r.people_met["women"].mean, r.people_met["men"].mean
    assert women + men == pytest.approx(met, abs=1e-9)  # one person per household met
    assert r.people_met_by_channel["door"]["women"].mean == women  # no forum: all of them at the door
    _share_near(women, met, SHARE[kind])


def test_person_met_at_the_door_is_drawn_at_the_first_contact() -> None:
    """An evening round, then a morning round: the sex follows the slot where the household was first met.

    Degenerate households: at home with P = 0.3 on a weekday morning and ``q_e = 1 - (1 - P)^x_ew`` in the
    evening (``x_ew`` the evening/weekend exponent of the campaign's Beta law, about 0.45). Women met =
    H (q_e 0.5 + (1 - q_e) P share_day); drawn at the last contact it would be
    H (q_e (1 - P) 0.5 + P share_day), about 30 (9 standard errors) above.
    """
    camp = make_campaign((H,), {**QUIET, **SEX})
    r = _run(camp, make_plan(rounds(camp, 1, slot="evening") + rounds(camp, 1, day0=1)))
    assert r.people_met is not None
    x_ew = evening_weekend_exponent(*beta_shapes(camp.params), camp.params["canvass.evening_weekend_multiplier"])
    q_e = 1 - (1 - P) ** x_ew
    p_w = q_e * SHARE["weekday_evening"] + (1 - q_e) * P * SHARE["weekday_day"]
    _near(r.people_met["women"].mean, H * p_w, H * p_w * (1 - p_w))
    p_m = q_e + (1 - q_e) * P - p_w
    _near(r.people_met["men"].mean, H * p_m, H * p_m * (1 - p_m))


def test_loudspeaker_listeners_are_the_adults_at_home() -> None:
    """One pass on a weekday morning: each household hearing it counts its woman with P(woman home | someone
    home), its man with P(man home | someone home); listeners are not in the door + forum totals."""
    camp = make_campaign((H,), {**QUIET, **SEX, **DENSE})
    r = _run(camp, make_plan(days=[straight_pass(camp, START, kmh=2)]))
    assert r.people_met_by_channel is not None and r.people_met is not None
    heard = r.exposure_by_channel["loudspeaker"]
    ls = r.people_met_by_channel["loudspeaker"]
    _share_near(ls["women"].mean, heard, HEARS["women"])
    _share_near(ls["men"].mean, heard, HEARS["men"])
    assert r.people_met["women"].mean == r.people_met["men"].mean == 0.0


def test_people_informed_one_per_household_made_aware_by_the_person_met() -> None:
    """Door only, nobody aware before, no word of mouth: every household made aware was met at the door, and
    the person informed is the person met (weekday day share)."""
    camp = make_campaign((H,), {**QUIET, **SEX})
    r = _run(camp, make_plan(rounds(camp, 2)))
    assert r.people_informed is not None
    women, men = r.people_informed["women"].mean, r.people_informed["men"].mean
    assert women + men == pytest.approx(r.households_aware.mean, abs=1e-9)
    _share_near(women, women + men, SHARE["weekday_day"])


def test_people_met_closed_form_matches_the_monte_carlo() -> None:
    """Door rounds and callbacks on every kind of occasion, two loudspeaker passes, a forum; Beta households."""
    camp = make_campaign((700, 500), {**SEX, "athome.away_weekday_evening": 0.2}, sangkats=1)
    plan = make_plan(rounds(camp, 1) + rounds(camp, 1, day0=2, slot="evening")
                     + [dataclasses.replace(o, visits=tuple((c, 10_000) for c, _ in o.visits))
                        for o in _saturday_round(camp, kind="callback")],
                     days=[straight_pass(camp, START + dt.timedelta(3), kmh=4),
                           straight_pass(camp, START + dt.timedelta(6), t0_s=18 * 3600, kmh=4)],
                     forums={"010201": 1})
    hh = synthesize_households(camp.geography, camp.params, seed=1)
    R2 = 200
    mc = simulate(camp, plan, replications=R2, seed=5, households=hh)
    cf = expected_reach(camp, plan, households=hh)
    assert mc.people_met_by_channel is not None and cf.people_met_by_channel is not None
    for channel, by_sex in mc.people_met_by_channel.items():
        for sex, band in by_sex.items():
            expected = cf.people_met_by_channel[channel][sex].mean
            assert expected > 20, (channel, sex)
            sd = max((band.p95 - band.p05) / 3.29, 1.0)
            assert abs(band.mean - expected) <= 4 * sd / math.sqrt(R2), (channel, sex, band.mean, expected)
    assert cf.people_met is not None and mc.people_met is not None
    assert cf.people_met["women"].mean == pytest.approx(
        cf.people_met_by_channel["door"]["women"].mean + cf.people_met_by_channel["forum"]["women"].mean)
    # the calibration's entry point: the pure share function of the plan's first-contact mix
    mix = door_slot_mix(camp, plan, households=hh)
    assert all(v > 50 for v in mix.values()) and sum(mix.values()) == pytest.approx(cf.households_met_at_door.mean)
    door = cf.people_met_by_channel["door"]
    share = expected_women_share_at_door(camp.params, mix)
    assert door["women"].mean / (door["women"].mean + door["men"].mean) == pytest.approx(share, abs=1e-12)
    mc_door = mc.people_met_by_channel["door"]
    n = mc_door["women"].mean + mc_door["men"].mean
    _near(mc_door["women"].mean / n, share, share * (1 - share) / n, replications=R2)


def test_people_met_at_forums_one_per_attendance_women_with_forum_share() -> None:
    share = 0.2
    camp = make_campaign((H,), {**QUIET, "forum.women_share": share, "forum.participation_rate": 0.5,
                                "forum.participants": 300})
    r = _run(camp, make_plan(forums={"010201": 1}), replications=60)
    assert r.people_met is not None
    women, men = r.people_met["women"].mean, r.people_met["men"].mean
    assert women + men == pytest.approx(r.exposure_by_channel["forum"], abs=1e-9)  # one forum: one per household
    n = women + men
    assert n > 100
    _near(women / n, share, share * (1 - share) / n, replications=60)


# --------------------------------------------------------------------------- first channel
def _first(r: Reach) -> dict[str, float]:
    assert r.aware_by_first_channel is not None
    assert tuple(r.aware_by_first_channel) == FIRST_KEYS
    return {c: b.mean for c, b in r.aware_by_first_channel.items()}


def test_first_channels_add_up_to_households_aware() -> None:
    camp = make_campaign((300, 200), {"awareness.effective_frequency_k": 2}, sangkats=1)
    code = camp.geography.villages[0].code
    plan = make_plan(rounds(camp, 2) + rounds(camp, 1, day0=3, kind="callback", slot="evening"),
                     days=[straight_pass(camp, START + dt.timedelta(2), kmh=8)],
                     forums={"010201": 1}, banners={code: 2}, leaflets=200)
    hh = synthesize_households(camp.geography, camp.params, seed=1)
    r = simulate(camp, plan, replications=20, seed=3, households=hh)
    first = _first(r)
    assert sum(first.values()) == pytest.approx(r.households_aware.mean, abs=1e-9)
    assert first["baseline"] > 0 and first["word_of_mouth"] > 0 and first["door"] > 0


def test_banners_only_make_every_aware_household_banner_first() -> None:
    camp = make_campaign((H,), {**QUIET, "banner.passes_per_week": 14})
    r = _run(camp, make_plan(banners={camp.geography.villages[0].code: 2}))
    first = _first(r)
    assert first["banner"] == r.households_aware.mean > 0
    assert all(v == 0.0 for c, v in first.items() if c != "banner")


@pytest.mark.parametrize("door_day, speaker_day", [(0, 3), (3, 0), (2, 2)])
def test_the_earlier_channel_comes_first(door_day: int, speaker_day: int) -> None:
    """Door round and loudspeaker pass on known days; on the same slot the tie goes to the door."""
    camp = make_campaign((H,), QUIET)
    door = rounds(camp, 1, day0=door_day)
    speaker = [straight_pass(camp, START + dt.timedelta(speaker_day), kmh=4)]
    door_only = _first(_run(camp, make_plan(door)))
    speaker_only = _first(_run(camp, make_plan(days=speaker)))
    both = _first(_run(camp, make_plan(door, days=speaker)))
    assert door_only["door"] > 0 and speaker_only["loudspeaker"] > 0
    if door_day <= speaker_day:  # the door made aware exactly the households it makes aware alone
        assert both["door"] == door_only["door"]
        assert both["loudspeaker"] < speaker_only["loudspeaker"]
    else:
        assert both["loudspeaker"] == speaker_only["loudspeaker"]
        assert both["door"] < door_only["door"]
    # analytic: a door visit makes aware with P x p_door (no decay)
    q = P * camp.params["awareness.p_door"]
    _near(door_only["door"], H * q, H * q * (1 - q))


@pytest.mark.parametrize("door_week, banner_first", [(0, False), (3, True)])
def test_banner_passes_fall_within_the_campaign(door_week: int, banner_first: bool) -> None:
    """A door round on the first morning comes before every banner pass; on the last day, after all of them."""
    camp = make_campaign((H,), {**QUIET, "banner.passes_per_week": 14})
    day0 = 0 if door_week == 0 else 19  # the 20th weekday: Friday of week 4
    door = rounds(camp, 1, day0=day0, slot="evening" if banner_first else "morning")
    banners = {camp.geography.villages[0].code: 2}
    door_only = _first(_run(camp, make_plan(door)))
    banner_only = _first(_run(camp, make_plan(banners=banners)))
    both = _first(_run(camp, make_plan(door, banners=banners)))
    if banner_first:
        assert both["banner"] == banner_only["banner"] and both["door"] < door_only["door"]
    else:
        assert both["door"] == door_only["door"] and both["banner"] < banner_only["banner"]


def test_time_keys_order_dates_then_slots_then_channels() -> None:
    d = START.toordinal()
    assert time_key(d, 2, "leaflet") < time_key(d + 1, 0, "door")
    assert time_key(d, 0, "leaflet") < time_key(d, 1, "door")
    assert time_key(d, 1, "door") < time_key(d, 1, "loudspeaker") < time_key(d, 1, "banner")
    # 3.5 days before the end (its midnight): noon of the fourth day before, an afternoon
    assert _moment(d, 3.5) == (d - 4, 1)
    assert _moment(d, 14.0) == (d - 14, 0)


@pytest.mark.parametrize("k", [1, 2])
def test_banner_passes_spread_evenly_over_the_weeks(k: int) -> None:
    """Door round at the start of week 3 of 4; without decay, banner passes fall in each week alike.

    With ``k`` effective exposures needed, the door visit is the one that
    makes a household aware when exactly ``k - 1`` of its effective banner
    passes fell in weeks 1-2, half of them. Non-readers of the banner (share
    ``1 - c``) have none; a reader's are Poisson with mean ``lam / c``:
    door-first = H P p_door ((1 - c) [k = 1] + c Poisson(k - 1; lam / 2c))
    (passes all at the end would give H P p_door for k = 1, and 0 for k = 2).
    """
    camp = make_campaign((H,), {**QUIET, "banner.passes_per_week": 14, "awareness.effective_frequency_k": k})
    door = rounds(camp, 1, day0=10)  # Monday of week 3
    banners = {camp.geography.villages[0].code: 2}
    lam = 2 * 14 * camp.params["awareness.p_banner_pass"] * 4  # noticed passes, all remembered (no decay)
    both = _first(_run(camp, make_plan(door, banners=banners)))
    c = camp.params["banner.reader_share"]
    m = lam / 2 / c
    q = P * camp.params["awareness.p_door"] * ((1 - c) * (k == 1) + c * m ** (k - 1) / math.factorial(k - 1)
                                               * math.exp(-m))
    _near(both["door"], H * q, H * q * (1 - q))
