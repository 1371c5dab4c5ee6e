"""Which posterior means become defaults: prior moments and the identification rule by hand, and the rule end to
end (a parameter no figure speaks to keeps its documented default; one a figure pins moves)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from outreach import parameters
from scenarios.calibration import forward
from scenarios.calibration.abc import Prior
from scenarios.calibration.model import MIN_CONTRACTION, MIN_SHIFT, identification, prior_moments
from scenarios.calibration.observed import Observation
from scenarios.calibration.report import defaults_document
from scenarios.calibration.run import Settings, build_model, calibrate_plans
from tests.outreach.simulate.builders import channels_plan, make_campaign

SETTINGS = Settings(design=100, particles=1000, generations=8, draws=200, workers=1, leave_one_out=False)


def test_prior_moments_by_hand():
    mean, sd = prior_moments(Prior("x", 0.4, 0.95))
    assert mean == pytest.approx(0.675) and sd == pytest.approx(0.55 / math.sqrt(12))
    mean, sd = prior_moments(Prior("y", 10.0, 20.0, (2.0, 5.0)))  # Beta(2, 5): mean 2/7, var 10 / (49 x 8)
    assert mean == pytest.approx(10 + 10 * 2 / 7) and sd == pytest.approx(10 * math.sqrt(10 / 392))


def test_identification_rule_by_hand():
    got = identification(0.5, 0.06, 0.4, 0.1)
    assert got["contraction"] == pytest.approx(0.4) and got["shift"] == pytest.approx(1.0) and got["informed"]
    flat = identification(0.41, 0.098, 0.4, 0.1)  # the prior, up to noise
    assert flat["contraction"] == pytest.approx(0.02) and flat["shift"] == pytest.approx(0.1)
    assert not flat["informed"]
    # Either criterion alone: narrowed but not moved, or moved but not narrowed (a posterior piled at one end).
    assert identification(0.4, 0.1 * (1 - MIN_CONTRACTION) - 1e-9, 0.4, 0.1)["informed"]
    assert identification(0.4 - 0.1 * MIN_SHIFT - 1e-9, 0.1, 0.4, 0.1)["informed"]
    assert not identification(0.4 - 0.09 * MIN_SHIFT, 0.1 * (1 - 0.9 * MIN_CONTRACTION), 0.4, 0.1)["informed"]


@pytest.fixture(scope="module")
def calibration():
    camp = make_campaign(households=(200, 150), weeks=4)
    grid = (forward.FixedPlan(4, camp, channels_plan(camp)),)
    obs = (Observation("baseline_aware_share", 0.6, 0.01, None, "aware before", "baseline", "test"),)
    return calibrate_plans(obs, grid, SETTINGS, check=False, model=build_model(grid, SETTINGS))


def test_a_flat_posterior_keeps_its_documented_default_and_a_pinned_one_moves(calibration, tmp_path):
    rows = {p["key"]: p for p in calibration.parameters}
    pinned, flat = rows["awareness.baseline"], rows["athome.men_employed"]  # no figure speaks to the men at home
    assert pinned["informed"] and pinned["contraction"] > 0.9  # sd 0.01 against a prior sd of 0.95 / sqrt 12
    assert not flat["informed"] and abs(flat["contraction"]) < 0.15 and abs(flat["shift"]) < 0.3
    # Only the baseline has a figure: every other parameter's posterior is its prior, up to the sampler's noise
    # (a Gaussian kernel around each particle left 1.4 effective particles here, and 30-60 % false contraction).
    assert calibration.population.ess > 50
    others = [p for k, p in rows.items() if k != "awareness.baseline"]
    assert max(abs(p["contraction"]) for p in others) < 0.15 and max(abs(p["shift"]) for p in others) < 0.3
    assert [k for k, p in rows.items() if p["informed"]] == ["awareness.baseline"]
    doc = defaults_document(calibration, {"observed": "x.csv"})
    assert "awareness.baseline" in doc["means"] and "athome.men_employed" not in doc["means"]
    assert "athome.men_employed" in doc["provenance"]["kept_documented"]
    assert doc["provenance"]["informed"] == [k for k, p in rows.items() if p["informed"]]
    table, prov = parameters._with_means(parameters._TABLE, doc, tmp_path / "calibrated.json")
    assert table["athome.men_employed"] is parameters._TABLE["athome.men_employed"]
    assert table["awareness.baseline"].value == pytest.approx(0.6, abs=0.01) != parameters.DOCUMENTED[
        "awareness.baseline"]
    assert prov is not None and prov["kept_documented"] == doc["provenance"]["kept_documented"]
    # The band draws stay full posterior draws: every fitted response parameter, informed or not, varies.
    draws = doc["draws"]
    assert {"athome.men_employed", "awareness.baseline"} <= set(draws[0])
    assert len({d["athome.men_employed"] for d in draws}) == len(draws)


def test_the_closed_form_leaves_the_district_channels_to_the_figures():
    """Radio and chiefs are added analytically by the figures (test_figures): the closed form must not count them
    too, and it reports the plan's levels for the figures to use."""
    camp = make_campaign(households=(300, 200), weeks=6)
    plan = channels_plan(camp)
    plan = dataclasses.replace(plan, allocation=dataclasses.replace(plan.allocation,
                                                                    media={"radio": 6, "village_chief": 1}))
    grid = (forward.FixedPlan(6, camp, plan),)
    low = forward.closed_form(grid, {"awareness.p_radio": 0.02, "awareness.p_chief": 0.3})
    high = forward.closed_form(grid, {"awareness.p_radio": 0.4, "awareness.p_chief": 0.9})
    assert high["aware_campaign"] == pytest.approx(low["aware_campaign"])
    assert high["aware_volunteers_iec"] == pytest.approx(low["aware_volunteers_iec"])
    assert low["media.radio"] == 6 and low["media.village_chief"] == 1 and low["media.group_event"] == 0
    assert low["weeks"] == 6


def test_the_calibration_plans_the_api_campaign_as_described():
    """The greedy plan buys the report's 2 passes per sangkat, 16 forums and 34 events (the optimiser: 3 passes)."""
    from outreach.scenario import load_campaign
    from tests.conftest import ROOT

    camp = load_campaign(ROOT / "scenarios" / "api-2012.toml")
    (fp,) = forward.plan_grid(camp, [8], workers=1)
    got = forward.plan_counts(fp)
    assert got["loudspeaker_passes_per_sangkat_min"] == got["loudspeaker_passes_per_sangkat_max"] == 2
    assert got["forums"] == 16 and got["media.group_event"] == 34 and got["media.village_chief"] == 16
    assert got["media.radio"] == 8 and "media.social_media" not in got or got.get("media.social_media") == 0
    assert np.isfinite(got["banners"])
