"""Estimation: honest 90 % village intervals and shrinkage that beats raw proportions."""

from __future__ import annotations

import numpy as np
import pytest

from outreach.survey import SurveyResult, TruthModel, estimate, example_geography, import_survey, synthetic_survey

GEO = example_geography()  # 4 sangkats x 8 villages


def _run(seed: int, n: int, **kw) -> tuple[SurveyResult, object]:
    df, truth = synthetic_survey(GEO, n=n, seed=seed, **kw)
    return estimate(import_survey(df, GEO), GEO, draws=800), truth


@pytest.fixture(scope="module")
def many_runs():
    return [_run(seed, 1500) for seed in range(24)]


def test_village_intervals_cover_the_truth_85_to_95_percent(many_runs):
    hits = []
    for res, truth in many_runs:
        for ind in ("owso", "ombudsman"):
            for code, e in res.village[ind].items():
                hits.append(e.lo <= truth.village[ind][code] <= e.hi)
    coverage = float(np.mean(hits))
    assert 0.85 <= coverage <= 0.95, coverage


def test_sangkat_intervals_are_not_overconfident(many_runs):
    hits = [e.lo <= truth.sangkat[ind][c] <= e.hi
            for res, truth in many_runs for ind in ("owso", "ombudsman") for c, e in res.sangkat[ind].items()]
    assert float(np.mean(hits)) >= 0.8


def test_shrinkage_beats_raw_proportions(many_runs):
    shrunk, raw = [], []
    for res, truth in many_runs:
        for ind in ("owso", "ombudsman"):
            for code, r in res.village_raw[ind].items():
                t = truth.village[ind][code]
                shrunk.append(abs(res.village[ind][code].mean - t))
                raw.append(abs(r.mean - t))
    assert np.mean(shrunk) < np.mean(raw)


def test_sparse_survey_coverage_and_gain():
    hits, shrunk, raw = [], [], []
    for seed in range(12):
        res, truth = _run(100 + seed, 250)
        for code, e in res.village["owso"].items():
            t = truth.village["owso"][code]
            hits.append(e.lo <= t <= e.hi)
            if code in res.village_raw["owso"]:
                shrunk.append(abs(e.mean - t))
                raw.append(abs(res.village_raw["owso"][code].mean - t))
    assert 0.82 <= np.mean(hits) <= 0.97
    assert np.mean(shrunk) < 0.85 * np.mean(raw)


def test_small_village_is_pulled_towards_its_sangkat():
    df, _ = synthetic_survey(GEO, n=1200, seed=5)
    v = GEO.villages[3]
    df = df[df["village"] != v.code]
    # Three answers, all "no": not taken at face value.
    extra = df.iloc[:3].copy()
    extra["village"], extra["sangkat"], extra["knows_owso"] = v.code, v.sangkat_code, "no"
    res = estimate(import_survey(__import__("pandas").concat([df, extra]), GEO), GEO)
    e = res.village["owso"][v.code]
    assert e.n == 3 and res.village_raw["owso"][v.code].mean == 0.0
    assert e.mean > 0.35 and e.hi - e.lo > 0.25
    assert res.village_source[v.code] == "village"


def test_villages_without_answers_get_the_sangkat_estimate_and_are_flagged():
    res, _ = _run(3, 900, villages_surveyed=0.6)
    missing = [c for c, s in res.village_source.items() if s != "village"]
    assert missing and all(res.village_source[c] == "sangkat" for c in missing)
    for c in missing:
        s = GEO.village_by_code[c].sangkat_code
        e = res.village["owso"][c]
        assert e.n == 0 and e.lo < res.sangkat["owso"][s].mean < e.hi


def test_district_fallback_when_a_sangkat_has_no_answers():
    df, _ = synthetic_survey(GEO, n=800, seed=9)
    gone = GEO.sangkats[2].code
    res = estimate(import_survey(df[df["sangkat"] != gone], GEO), GEO)
    for v in GEO.villages_in(gone):
        assert res.village_source[v.code] == "district"
        assert res.sangkat["owso"][gone].n == 0


def test_groups_channels_and_reproducibility():
    tm = TruthModel(female_logit=-0.6, male_logit=0.6)
    df, truth = synthetic_survey(GEO, n=3000, seed=11, truth=tm)
    a = estimate(import_survey(df, GEO), GEO)
    b = estimate(import_survey(df, GEO), GEO)
    assert a.sangkat["owso"] == b.sangkat["owso"]
    g = a.groups["owso"]
    assert g["sex=F"].mean < g["sex=M"].mean and g["type=household"].mean < g["type=business"].mean
    ch = a.channels
    assert ch["public_forum"].mean > ch["loudspeaker"].mean > ch["radio_tv"].mean
    assert a.overall["owso"].lo <= truth.overall["owso"] <= a.overall["owso"].hi
    assert a.prior["owso"].kappa_village > 0 and a.prior["owso"].design_effect >= 1
