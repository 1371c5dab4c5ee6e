"""Evaluation (baseline vs follow-up, forecast) and the survey CLI commands."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from outreach.cli.survey import evaluate_command, survey_app
from outreach.survey import TruthModel, estimate, evaluate, example_geography, import_survey, synthetic_survey

GEO = example_geography()
runner = CliRunner()


@pytest.fixture(scope="module")
def surveys():
    base, _ = synthetic_survey(GEO, n=1200, seed=1, truth=TruthModel(owso_mean=0.45))
    follow, _ = synthetic_survey(GEO, n=1200, seed=2, truth=TruthModel(owso_mean=0.70))
    return base, follow


@pytest.fixture()
def plan_dir(tmp_path):
    d = tmp_path / "plan"
    d.mkdir()
    (d / "summary.json").write_text(json.dumps({
        "reach": {"households_aware": {"mean": 4000.0, "p05": 3500.0, "p95": 4500.0}},
        "geography": {"households": GEO.households},
    }))
    return d


def test_evaluate_detects_a_rise_and_reads_the_forecast(surveys, plan_dir, tmp_path):
    base, follow = surveys
    ev = evaluate(base, follow, plan=plan_dir)
    c = ev.get("owso", "overall", "all")
    assert c.change.lo > 0 and c.p_increase > 0.95
    assert c.change.mean == pytest.approx(c.followup.mean - c.baseline.mean)
    assert ev.get("owso", "sex", "F").change.lo < ev.get("owso", "sex", "F").change.mean
    assert {x.key for x in ev.changes if x.level == "sangkat"} == {s.code for s in GEO.sangkats}
    f = ev.forecast
    assert f.share_made_aware.mean == pytest.approx(4000 / GEO.households)
    # households_aware includes the aware before the campaign: the baseline is subtracted, not scaled.
    assert f.expected_change.mean == pytest.approx(max(0.0, 4000 / GEO.households - c.baseline.mean))
    assert evaluate(base, follow).get("owso", "overall", "all").change == c.change  # fixed seed


def test_evaluate_with_results_and_geography(surveys):
    base, follow = surveys
    rb = estimate(import_survey(base, GEO), GEO)
    ev = evaluate(rb, follow, geography=GEO)
    c = ev.get("owso", "overall", "all")
    assert c.baseline == rb.overall["owso"] and c.change.lo > 0


def test_bad_plan_summary_is_an_input_error(surveys, tmp_path):
    from outreach.errors import InputError

    (tmp_path / "summary.json").write_text("{}")
    with pytest.raises(InputError) as exc:
        evaluate(*surveys, plan=tmp_path)
    assert exc.value.field == "reach.households_aware.mean"


def _villages_csv(path):
    pd.DataFrame({
        "village_code": [v.code for v in GEO.villages], "commune_code": [v.sangkat_code for v in GEO.villages],
        "households": [v.households for v in GEO.villages], "name": [v.name_en for v in GEO.villages],
    }).to_csv(path, index=False)
    return path


def test_cli_form_and_summarize(tmp_path, surveys):
    r = runner.invoke(survey_app, ["form", str(tmp_path / "form")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "form" / "owso_awareness.xlsx").is_file()
    assert (tmp_path / "form" / "owso_awareness_paper.html").is_file()

    villages = _villages_csv(tmp_path / "villages.csv")
    survey = tmp_path / "survey.xlsx"
    surveys[0].to_excel(survey, index=False)
    out = tmp_path / "out"
    r = runner.invoke(survey_app, ["summarize", str(survey), "--villages", str(villages), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert {"report.html", "priorities.csv", "import_report.csv"} <= {p.name for p in out.iterdir()}


def test_cli_exit_code_2_and_no_output_on_bad_input(tmp_path):
    villages = _villages_csv(tmp_path / "villages.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("village,knows_owso\n12345678,yes\n", encoding="utf-8")
    out = tmp_path / "out"
    r = runner.invoke(survey_app, ["summarize", str(bad), "--villages", str(villages), "--out", str(out)])
    assert r.exit_code == 2 and not out.exists()
    r = runner.invoke(survey_app, ["summarize", str(bad), "--out", str(out)])
    assert r.exit_code == 2


def test_evaluate_command_registered_top_level(tmp_path, surveys, plan_dir):
    app = typer.Typer()
    app.command("evaluate")(evaluate_command)

    @app.command("noop")
    def _noop() -> None:  # a second command so typer keeps sub-command names
        pass

    b, f = tmp_path / "b.csv", tmp_path / "f.csv"
    surveys[0].to_csv(b, index=False)
    surveys[1].to_csv(f, index=False)
    out = tmp_path / "eval"
    r = runner.invoke(app, ["evaluate", str(b), str(f), "--out", str(out), "--plan", str(plan_dir)])
    assert r.exit_code == 0, r.output
    csv = pd.read_csv(out / "evaluation.csv")
    assert "forecast" in set(csv["level"])
    assert "<svg" in (out / "evaluation.html").read_text(encoding="utf-8")
    r = runner.invoke(app, ["evaluate", str(tmp_path / "nope.csv"), str(f), "--out", str(tmp_path / "e2")])
    assert r.exit_code == 2
