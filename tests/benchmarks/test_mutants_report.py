"""The mutation-score report (benchmarks/mutants.py): parsing ``mutmut results`` and the score arithmetic."""

from __future__ import annotations

import importlib.util

from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("mutants_report", ROOT / "benchmarks" / "mutants.py")
report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(report)

TEXT = """    outreach.acoustics.x_f__mutmut_1: killed
    outreach.acoustics.x_f__mutmut_2: survived
    outreach.acoustics.x_f__mutmut_3: timeout
    outreach.acoustics.x_f__mutmut_4: survived
    outreach.io.tables.x_g__mutmut_1: no tests
    outreach.io.tables.xǁTǁm__mutmut_2: killed
"""


def test_score_per_module_after_equivalents():
    res = report.parse_results(TEXT)
    assert res["outreach.io.tables.xǁTǁm__mutmut_2"] == "killed" and len(res) == 6
    out = report.score(res, {"outreach.acoustics.x_f__mutmut_4": "why", "outreach.acoustics.x_f__mutmut_1": "stale"})
    # acoustics: 4 mutants, 1 equivalent, killed 1 + timeout 1 of the 3 counted -> 66.7 %
    assert out["modules"]["outreach.acoustics"] == {"total": 4, "equivalent": 1, "killed": 2, "timeout": 1,
                                                    "survived": 1, "score_pct": 66.7}
    assert out["modules"]["outreach.io.tables"]["score_pct"] == 50.0  # 'no tests' counts against
    assert out["overall"]["score_pct"] == 60.0 and out["stale_equivalents"] == ["outreach.acoustics.x_f__mutmut_1"]
    assert [s["name"] for s in out["survivors"]] == ["outreach.acoustics.x_f__mutmut_2",
                                                     "outreach.io.tables.x_g__mutmut_1"]
    assert "| **all** | 6 | 1 | 3 | 2 | 60.0 % |" in report.markdown({"date": "d", "command": "c", **out})
