"""Priorities and the survey report."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from outreach.errors import InputError
from outreach.model import Priorities
from outreach.survey import (
    build_priorities,
    default_priorities,
    default_target,
    estimate,
    example_geography,
    import_survey,
    synthetic_survey,
    write_survey_report,
)

GEO = example_geography()


@pytest.fixture(scope="module")
def result():
    df, _ = synthetic_survey(GEO, n=1000, seed=4, villages_surveyed=0.75)
    df.loc[5, "knows_owso"] = "maybe"  # one bad row for the import report
    return estimate(import_survey(df, GEO), GEO, draws=1000)


def test_unaware_households_and_sources(result):
    p = build_priorities(result, GEO)
    assert isinstance(p, Priorities) and set(p.by_village) == set(GEO.village_by_code)
    for v in GEO.villages:
        vp = p.by_village[v.code]
        a, u = vp.awareness_owso, vp.unaware_households
        assert u.mean == pytest.approx(v.households * (1 - a.mean))
        assert u.lo == pytest.approx(v.households * (1 - a.hi)) and u.lo <= u.mean <= u.hi
        assert vp.score == pytest.approx(u.mean)
        assert vp.source == result.village_source[v.code]
    assert {vp.source for vp in p.by_village.values()} == {"village", "sangkat"}
    assert p.respondents == result.respondents and p.district == result.overall["owso"]
    assert "sex=F" in p.by_group and math.isclose(sum(p.channel_shares.values()) > 1, True)


def test_weights_targets_and_passes(result):
    p = build_priorities(result, GEO, weights={"rural": 1.0}, target_awareness={GEO.sangkats[0].code: 0.9}, passes=3)
    for v in GEO.villages:
        vp = p.by_village[v.code]
        factor = 2.0 if v.setting == "rural" else 1.0
        assert vp.score == pytest.approx(vp.unaware_households.mean * factor)
    t0, t1 = p.targets[GEO.sangkats[0].code], p.targets[GEO.sangkats[1].code]
    assert t0.target_awareness == 0.9 and t0.loudspeaker_passes == 3
    assert t1.target_awareness == default_target(t1.baseline_awareness.mean)
    assert t1.target_awareness > t1.baseline_awareness.mean
    with pytest.raises(InputError):
        build_priorities(result, GEO, weights={"colour": 1})


def test_default_target_rule():
    assert default_target(0.3) == 0.5
    assert default_target(0.69) == 0.8
    assert default_target(0.97) == 0.95


def test_default_priorities_without_survey():
    p = default_priorities(GEO, baseline=0.3)
    assert all(vp.source == "default" for vp in p.by_village.values())
    e = p.by_village[GEO.villages[0].code].awareness_owso
    assert e.mean == 0.3 and e.lo < 0.3 < e.hi and p.respondents == 0
    assert all(t.loudspeaker_passes == 2 for t in p.targets.values())
    with pytest.raises(InputError):
        default_priorities(GEO, baseline=1.5)


def test_report_files(tmp_path, result):
    p = build_priorities(result, GEO)
    files = write_survey_report(result, p, tmp_path)
    html = files["report"].read_text(encoding="utf-8")
    assert html.count("<svg") >= 3 and "<script" not in html and "https://" not in html
    assert "Noto Sans Khmer" in html
    df = pd.read_csv(files["priorities"], dtype={"village_code": str, "sangkat_code": str}, encoding="utf-8-sig")
    for col in ("village_code", "name_en", "name_kh", "households", "awareness_owso_mean", "awareness_owso_lo",
                "awareness_owso_hi", "unaware_households_mean", "unaware_households_lo", "unaware_households_hi",
                "score", "source"):
        assert col in df.columns
    assert len(df) == len(GEO.villages) and df["score"].is_monotonic_decreasing
    assert df["village_code"].str.len().eq(8).all()
    rep = pd.read_csv(files["import_report_csv"])
    assert rep.loc[0, "row"] == 7 and rep.loc[0, "field"] == "knows_owso"
    assert "dropped: 1" in files["import_report_txt"].read_text(encoding="utf-8")


def test_report_for_default_priorities(tmp_path):
    files = write_survey_report(None, default_priorities(GEO), tmp_path, geography=GEO)
    assert "No survey" in files["report"].read_text(encoding="utf-8")
    assert "import_report_csv" not in files


def test_pipeline_call_pattern(tmp_path):
    """The way the plan pipeline calls the survey package."""
    from outreach.survey import import_frame

    df, _ = synthetic_survey(GEO, n=400, seed=8)
    imported = import_frame(df, GEO, source="synthetic baseline survey")
    assert imported.data is imported.frame and imported.report.file == "synthetic baseline survey"
    res = estimate(imported, GEO)
    pri = build_priorities(res, GEO, target_awareness=None, passes=2)
    files = write_survey_report(res, pri, tmp_path / "survey", import_report=imported)
    assert files["report"].name == "report.html" and files["import_report_txt"].is_file()
