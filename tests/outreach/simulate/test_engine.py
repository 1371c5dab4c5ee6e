"""Analytic validations and properties of the Monte Carlo engine.

Every Monte Carlo comparison allows about 4 standard errors; seeds are fixed.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from scipy.special import betaln, comb

from outreach.athome import beta_shapes
from outreach.households import Households, synthesize_households
from outreach.model import Campaign, Plan
from outreach.simulate import expected_reach, exposure_counts, simulate
from tests.outreach.simulate.builders import (
    DENSE,
    START,
    channels_plan,
    degenerate,
    make_campaign,
    make_plan,
    rounds,
    straight_pass,
    within,
)


# --------------------------------------------------------------------------- analytic
def test_equal_contact_probability_gives_binomial() -> None:
    camp = make_campaign((3000,), {"awareness.baseline": 0.0})
    hh = degenerate(synthesize_households(camp.geography, camp.params, seed=1), 0.3)
    n = 4
    counts = exposure_counts(camp, make_plan(rounds(camp, n)), replications=20, seed=3, households=hh)
    freq = np.bincount(counts.ravel(), minlength=n + 1) / counts.size
    for k in range(n + 1):
        p = comb(n, k) * 0.3**k * 0.7 ** (n - k)
        se = math.sqrt(p * (1 - p) / counts.size)
        assert abs(freq[k] - p) < 4 * se, (k, freq[k], p)


def test_beta_propensity_gives_beta_binomial() -> None:
    camp = make_campaign((3000,))
    a, b = beta_shapes(camp.params)
    hh = synthesize_households(camp.geography, camp.params, seed=1)
    n = 4
    counts = exposure_counts(camp, make_plan(rounds(camp, n)), replications=20, seed=3, households=hh)
    freq = np.bincount(counts.ravel(), minlength=n + 1) / counts.size
    for k in range(n + 1):
        p = comb(n, k) * math.exp(betaln(a + k, b + n - k) - betaln(a, b))
        se = math.sqrt(p * (1 - p) / counts.size)
        assert abs(freq[k] - p) < 4 * se, (k, freq[k], p)
    # a binomial with the same mean would be clearly wrong here (the mean is the default, documented or calibrated)
    assert freq[0] > (1 - camp.params["canvass.p_answer_first_visit"]) ** n + 0.1


def test_callbacks_saturate_as_beta_binomial() -> None:
    camp = make_campaign((3000,))
    a, b = beta_shapes(camp.params)
    hh = synthesize_households(camp.geography, camp.params, seed=1)
    plan = make_plan(rounds(camp, 1) + rounds(camp, 2, day0=1, kind="callback"))
    counts = exposure_counts(camp, plan, replications=20, seed=5, households=hh)
    reached = (counts > 0).mean(axis=1)
    assert counts.max() == 1  # callbacks only visit never-contacted households
    within(reached, 1 - math.exp(betaln(a, b + 3) - betaln(a, b)))


def _net_and_sainsbury(
    hh: Households, camp: Campaign, plan: Plan, channels: tuple[str, ...]
) -> tuple[float, float, float]:
    r = simulate(camp, plan, replications=60, seed=11, households=hh)
    h = hh.n
    shares = [r.exposure_by_channel[c] / h for c in channels]
    assert all(0.05 < s < 0.95 for s in shares), shares
    se = (r.households_reached.p95 - r.households_reached.p05) / 3.29 / math.sqrt(r.replications) / h
    return r.households_reached.mean / h, 1 - float(np.prod([1 - s for s in shares])), se


def test_independent_channels_give_sainsbury() -> None:
    camp = make_campaign((1000,), DENSE)
    hh = degenerate(synthesize_households(camp.geography, camp.params, seed=1), 0.3)
    net, sainsbury, se = _net_and_sainsbury(hh, camp, channels_plan(camp), ("door", "loudspeaker", "banner"))
    assert abs(net - sainsbury) < 4 * se + 0.002


def test_shared_at_home_state_gives_reach_below_sainsbury() -> None:
    camp = make_campaign((1000,), DENSE)
    hh = synthesize_households(camp.geography, camp.params, seed=1)
    net, sainsbury, se = _net_and_sainsbury(hh, camp, channels_plan(camp, banner=False), ("door", "loudspeaker"))
    assert net < sainsbury - 4 * se - 0.005, (net, sainsbury, se)


# --------------------------------------------------------------------------- engine properties
def test_same_seed_same_result_and_chunking_invariant() -> None:
    camp = make_campaign((300, 200))
    plan = channels_plan(camp)
    r1 = simulate(camp, plan, replications=30)
    r2 = simulate(camp, plan, replications=30, chunk_households=1000)
    assert r1 == r2
    assert r1.seed == camp.seed
    r3 = simulate(camp, plan, replications=30, seed=camp.seed + 1)
    assert r3 != r1


def test_workers_give_identical_result() -> None:
    camp = make_campaign((300, 200, 100))
    plan = channels_plan(camp)
    assert simulate(camp, plan, replications=20, workers=2) == simulate(camp, plan, replications=20)


def test_common_random_numbers_adding_outings_never_reduces_exposures() -> None:
    camp = make_campaign((300, 200))
    base = channels_plan(camp)
    more = make_plan(
        list(base.roster.outings) + rounds(camp, 1, day0=8, slot="evening"),
        days=base.tours.days,
        banners=dict(base.allocation.banners_by_village),
    )
    with_cb = make_plan(
        list(base.roster.outings) + rounds(camp, 1, day0=4, kind="callback"),
        days=list(base.tours.days) + [straight_pass(camp, START + dt.timedelta(9))],
        banners=dict(base.allocation.banners_by_village),
    )
    c0 = exposure_counts(camp, base, replications=10)
    for plan in (more, with_cb):
        c1 = exposure_counts(camp, plan, replications=10)
        assert (c1 >= c0).all()
        assert (c1 > c0).any()


def test_household_points_and_priorities_baseline() -> None:
    import pandas as pd

    from outreach.households import households_from_points
    from outreach.model import Estimate, Priorities, VillagePriority

    camp = make_campaign((50, 80))
    vs = camp.geography.villages
    rng = np.random.default_rng(0)
    rows = []
    for v, n in ((vs[1], 30), (vs[0], 20)):  # file order is not village order
        for _ in range(n):
            rows.append({"village_code": v.code, "lon": v.lon + rng.normal(0, 1e-3),
                         "lat": v.lat + rng.normal(0, 1e-3)})
    hh = households_from_points(pd.DataFrame(rows), camp.geography, camp.params, seed=1)
    assert hh.count_by_village().tolist() == [20, 30] and hh.source == "user"
    assert np.all(np.abs(hh.x_m[:20] - vs[0].x_m) < 1000)
    with pytest.raises(ValueError):
        households_from_points(pd.DataFrame([{"village_code": "99999999", "lon": 104.0, "lat": 12.0}]),
                               camp.geography, camp.params, seed=1)

    est = lambda m: Estimate(m, m, m)  # noqa: E731
    pri = Priorities(
        by_village={v.code: VillagePriority(v.code, est(0.9), est(0.5), est(0.1), 1.0, "village") for v in vs},
        by_sangkat={}, district=est(0.9), by_group={}, channel_shares={}, targets={}, respondents=10, method="test",
    )
    plan = make_plan(rounds(camp, 1))
    low = simulate(camp, plan, replications=40, households=hh)
    high = simulate(camp, plan, replications=40, households=hh, priorities=pri)
    cf = expected_reach(camp, plan, pri, households=hh)
    assert high.households_reached == low.households_reached  # baseline does not change exposure
    assert high.households_aware.mean > low.households_aware.mean
    assert abs(high.households_aware.mean - cf.households_aware.mean) < 2.0
    assert high.households_aware.mean >= 0.9 * hh.n - 2.0
