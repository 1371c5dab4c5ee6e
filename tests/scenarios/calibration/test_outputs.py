"""Same seed, same posterior bytes; the report lists every figure with both intervals."""

from __future__ import annotations

import pytest

from scenarios.calibration import forward
from scenarios.calibration.observed import Observation
from scenarios.calibration.report import write_calibration
from scenarios.calibration.run import Settings, build_model, calibrate_plans
from tests.conftest import ROOT
from tests.outreach.simulate.builders import channels_plan, make_campaign

SETTINGS = Settings(design=100, particles=200, generations=3, draws=100, workers=1, check_draws=2, mc_replications=5)
OBS = (Observation("baseline_aware_share", 0.3, 0.02, 500, "aware before", "baseline", "test"),
       Observation("aware_share", 0.5, 0.02, 500, "aware after", "follow-up", "test"),
       Observation("door_contacts", 200.0, 20.0, None, "met", "records", "test", "check"),
       Observation("ombudsman_aware_share", 0.4, 0.02, 500, "knows the DO", "follow-up", "test", "unmodelled"))


@pytest.fixture(scope="module")
def fitted():
    camp = make_campaign(households=(200, 150), weeks=4)
    grid = (forward.FixedPlan(4, camp, channels_plan(camp)),)
    model = build_model(grid, SETTINGS)
    return grid, model


def test_same_seed_same_bytes(fitted, tmp_path):
    grid, model = fitted
    scen, obs_file = ROOT / "scenarios" / "api-2012.toml", ROOT / "scenarios" / "api-2012" / "observed.csv"
    out = []
    for i in range(2):
        cal = calibrate_plans(OBS, grid, SETTINGS, model=model)
        files = write_calibration(cal, tmp_path / str(i), obs_file, scen, command="test")
        out.append({k: files[k].read_bytes() for k in ("posterior", "fit", "report", "provenance")})
    assert out[0] == out[1]
    text = out[0]["report"].decode()
    assert "`aware_share`" in text and "(checked, not fitted)" in text and "not modelled" in text
    cal = calibrate_plans(OBS, grid, SETTINGS, model=model)
    fig = {f["key"]: f for f in cal.figures}
    assert "leave_one_out" in fig["aware_share"] and "predictive" not in fig["ombudsman_aware_share"]
    # The checked figure is not fitted: its leave-one-out interval is its predictive one.
    assert fig["door_contacts"]["leave_one_out"] == fig["door_contacts"]["predictive"]
    assert set(cal.checks["quantities"]) >= {"met_at_door", "aware_campaign"}
