"""Close the loop: synthetic baseline and follow-up surveys of a campaign with known parameters, evaluated by
``outreach evaluate``, calibrated, and the true parameters found inside the 90 % posterior intervals."""

from __future__ import annotations

import numpy as np
import pytest

from outreach.survey import TruthModel, evaluate, import_survey, synthetic_survey
from scenarios.calibration import forward
from scenarios.calibration.model import build_priors
from scenarios.calibration.observed import read_observed
from scenarios.calibration.registry import FIGURES
from scenarios.calibration.run import Settings, build_model, calibrate_plans
from tests.outreach.simulate.builders import channels_plan, make_campaign

SEEDS = (11, 12, 13, 14, 15)
SETTINGS = Settings(design=120, particles=500, generations=8, draws=300, workers=1, leave_one_out=False)


@pytest.fixture(scope="module")
def grid():
    camp = make_campaign(households=(260, 240, 220), weeks=4, sangkats=2)
    return (forward.FixedPlan(4, camp, channels_plan(camp)),)


@pytest.fixture(scope="module")
def model(grid):
    return build_model(grid, SETTINGS)


def _truth(seed):
    """True parameters drawn from the priors (what a Bayesian interval's coverage is about)."""
    rng = np.random.default_rng(seed)
    return {p.key: float(p.value(p.sample_unit(rng, 1))[0]) for p in build_priors()}


def _true_share(grid, theta, key):
    q = {k: np.array([v]) for k, v in forward.closed_form(grid, theta).items()}
    p = {k: np.array([v]) for k, v in {**grid[0].campaign.params, **theta}.items()}
    return float(FIGURES[key].compute(p, q)[0])


def _evaluation_csv(grid, theta, seed, tmp_path):
    geo = grid[0].campaign.geography
    before = theta["awareness.baseline"]
    after = _true_share(grid, theta, "aware_share")
    base, _ = synthetic_survey(geo, n=1500, seed=seed, truth=TruthModel(owso_mean=before, kappa_sangkat=1e6,
                                                                          kappa_village=1e6, female_logit=0.0,
                                                                          male_logit=0.0, business_logit=0.0,
                                                                          setting_logit={}))
    follow, _ = synthetic_survey(geo, n=1500, seed=seed + 100, truth=TruthModel(
        owso_mean=after, kappa_sangkat=1e6, kappa_village=1e6, female_logit=0.0, male_logit=0.0,
        business_logit=0.0, setting_logit={}))
    ev = evaluate(import_survey(base, geo), import_survey(follow, geo))
    path = tmp_path / f"evaluation-{seed}.csv"
    ev.to_frame().to_csv(path, index=False)
    return path


def test_synthetic_surveys_recover_the_true_parameters(grid, model, tmp_path):
    inside, total, baseline_width, baseline_inside = 0, 0, [], 0
    for seed in SEEDS:
        theta = _truth(seed)
        obs = read_observed(_evaluation_csv(grid, theta, seed, tmp_path))
        assert [o.key for o in obs] == ["baseline_aware_share", "aware_share"]
        cal = calibrate_plans(obs, grid, SETTINGS, check=False, model=model)
        for p in cal.parameters:
            total += 1
            inside += p["lo"] <= theta[p["key"]] <= p["hi"]
        b = next(p for p in cal.parameters if p["key"] == "awareness.baseline")
        baseline_inside += b["lo"] <= theta["awareness.baseline"] <= b["hi"]
        baseline_width.append(b["hi"] - b["lo"])
    assert inside / total >= 0.8, (inside, total)
    # A 90 % interval misses now and then: at least 4 of 5 (probability 0.92 for an honest interval; seed 11's
    # surveys both fall 1.2 and 2 sds under their truths, and its interval misses).
    assert baseline_inside >= 4, baseline_inside
    # The baseline survey pins the baseline down (prior interval width 0.855): the data, not the prior, speak.
    assert max(baseline_width) < 0.1
