"""``sensitivity`` on a small fixed plan: the outputs it evaluates, the ranking, the files and the command line."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from optimizer.allocation import evaluate_allocation
from outreach.cli import app
from outreach.simulate import expected_reach
from scenarios.sensitivity import FixedPlan, Settings, analyse, write_sensitivity
from scenarios.sensitivity.report import ranking, sensitivity_doc
from scenarios.sensitivity.run import evaluate_point
from scenarios.sensitivity.space import channels_bought, response_inputs
from tests.outreach.simulate.builders import channels_plan, make_campaign

SETTINGS = Settings(design=48, samples=512, resamples=100, workers=1, ranges="documented")


@pytest.fixture(scope="module")
def fixed():
    camp = make_campaign(households=(260, 240, 220), weeks=4, sangkats=2)
    return FixedPlan(camp, channels_plan(camp), None)


@pytest.fixture(scope="module")
def sens(fixed):
    return analyse(fixed, SETTINGS)


def test_outputs_are_the_closed_form_and_the_optimisers_value(fixed) -> None:
    theta = {"awareness.p_banner_pass": 0.05, "canvass.p_answer_first_visit": 0.4}
    got = evaluate_point(fixed, theta)
    c = fixed.campaign
    c2 = type(c)(**{**c.__dict__, "params": {**c.params, **theta}})
    assert got["end_awareness"] == pytest.approx(expected_reach(c2, fixed.plan).households_aware.mean
                                                 / c.geography.households)
    assert got["plan_value"] == pytest.approx(evaluate_allocation(c2, fixed.plan.allocation).weighted_new_aware)
    assert got["end_awareness"] != evaluate_point(fixed, {})["end_awareness"]


def test_inputs_follow_the_channels_the_plan_uses(fixed) -> None:
    assert channels_bought(fixed.plan) == ("door_to_door", "loudspeaker", "banner")
    keys = [i.key for i in response_inputs(fixed.plan, "documented")]
    assert "awareness.p_door" in keys and "awareness.p_banner_pass" in keys and "awareness.p_loudspeaker" in keys
    assert "awareness.p_forum" not in keys and "radio.listener_share" not in keys
    draws = [{"awareness.p_door": v} for v in np.linspace(0.5, 0.7, 101)]
    p_door = next(i for i in response_inputs(fixed.plan, "posterior", draws) if i.key == "awareness.p_door")
    assert (p_door.low, p_door.high) == pytest.approx((0.51, 0.69))
    with pytest.raises(ValueError):
        response_inputs(fixed.plan, "both")


def test_ranking_finds_what_the_plan_depends_on(sens) -> None:
    keys = [i.key for i in sens.inputs]
    aware, value = sens.outputs["end_awareness"], sens.outputs["plan_value"]
    # the banner's value saturates at its readers (c (1 - exp(-lambda / c))): a quadratic follows it less closely
    assert aware.surrogate.q2 > 0.95 and value.surrogate.q2 > 0.98
    # A morning-only plan meets nobody in the evening or at a weekend: that multiplier explains nothing.
    assert aware.indices.total[keys.index("canvass.evening_weekend_multiplier")] < 0.005
    # The allocation holds only the banner (the bare plan's rounds and passes are in its roster and tours).
    # so its value moves with the banner's memory (and how long it lasts), never with the door or loudspeaker.
    # Its two parameters: how often a pass is noticed, and how many households ever read a banner.
    banner = [value.indices.total[keys.index(k)] for k in ("awareness.p_banner_pass", "banner.reader_share")]
    assert sum(banner) > 0.8 and min(banner) > 0.1, banner
    for k in ("canvass.p_answer_first_visit", "awareness.p_door", "awareness.p_loudspeaker"):
        assert abs(value.indices.total[keys.index(k)]) < 0.005, k
    assert keys[ranking(sens, "plan_value")[0]] in ("awareness.p_banner_pass", "banner.reader_share")
    # First order never exceeds total order beyond estimation error, and the totals are shares.
    assert np.all(aware.indices.first <= aware.indices.total + 0.02)
    assert np.all((aware.indices.total > -0.01) & (aware.indices.total < 1.01))


def test_files_are_the_same_bytes_on_a_rerun(fixed, sens, tmp_path) -> None:
    a = write_sensitivity(sens, tmp_path / "a", command="outreach sensitivity x.toml --out a")
    b = write_sensitivity(analyse(fixed, SETTINGS), tmp_path / "b", command="outreach sensitivity x.toml --out a")
    for k in a:
        assert a[k].read_bytes() == b[k].read_bytes(), k
    doc = json.loads(a["json"].read_text(encoding="utf-8"))
    assert doc["settings"]["seed"] == SETTINGS.seed and doc["settings"]["design_points"] == 48
    assert [p["end_awareness"]["rank"] for p in doc["parameters"]] == list(range(1, len(doc["parameters"]) + 1))
    assert doc == sensitivity_doc(sens, command="outreach sensitivity x.toml --out a")
    p = doc["parameters"][0]
    assert p["end_awareness"]["total_ci"][0] <= p["end_awareness"]["total"] <= p["end_awareness"]["total_ci"][1]
    html = a["html"].read_text(encoding="utf-8")
    assert "<svg" in html and "@font-face" in html and "Noto Sans Khmer" in html
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert a["csv"].read_text(encoding="utf-8-sig").splitlines()[0].startswith("parameter,low,high")


@pytest.mark.parametrize(("args", "says"), [
    (["--design", "20"], "--design"),
    (["--samples", "1000"], "power of 2"),
    (["--ranges", "prior"], "--ranges"),
    (["--strategy", "best"], "--strategy"),
])
def test_bad_options_exit_2_before_planning(args, says, tmp_path) -> None:
    res = CliRunner().invoke(app, ["sensitivity", "scenarios/demo.toml", "--out", str(tmp_path / "o"), *args])
    assert res.exit_code == 2, res.output
    assert says in res.output and "Traceback" not in res.output
    assert not (tmp_path / "o").exists()


def test_missing_scenario_exits_2(tmp_path) -> None:
    res = CliRunner().invoke(app, ["sensitivity", str(tmp_path / "none.toml"), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2, res.output
    assert "none.toml" in res.output
