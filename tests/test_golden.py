"""Golden outputs: a refactor must not change a single byte of a plan.

The demo and one real district (Chbar Mon, real 2008 census village points
and sangkat polygons from ``../shared/geodata``) are planned with the
product's pipeline and their ``summary.json`` and ``plan.json`` compared with
the files under ``tests/golden/``. Only ``scenario_file`` is left out: it is
where the scenario lies on this machine, not part of the plan.

When a change is *meant* to change plans, regenerate and review the diff::

    OUTREACH_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .conftest import ROOT, shared_path, write_scenario

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("OUTREACH_UPDATE_GOLDEN") == "1"
# Cheaper than the defaults (fewer replications, a shorter effort cap) but every stage runs.
OPTIONS = dict(replications=30, time_limit_s=2.0)

CHBAR_MON_REAL = """
[scenario]
name = "Chbar Mon municipality, real 2008 census village points"
districts = ["0502"]
seed = 7

[geography]
villages = "{villages}"
sangkats = "{sangkats}"
skip_incomplete = true

[calendar]
start = 2027-01-04
weeks = 6

[resources]
volunteer_count = 12
volunteer_women = 5

[budget]
limit_usd = 4000

[survey]
synthetic_respondents = 400
"""


def _normalised(path: Path) -> str:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("scenario_file", None)
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def _check(name: str, out: Path) -> None:
    for fname in ("summary.json", "plan.json"):
        got = _normalised(out / fname)
        ref = GOLDEN / f"{name}.{fname}"
        if UPDATE:
            ref.write_text(got, encoding="utf-8")
            continue
        assert ref.exists(), f"{ref} is missing: run with OUTREACH_UPDATE_GOLDEN=1 to create it"
        want = ref.read_text(encoding="utf-8")
        if got != want:
            import difflib

            diff = "".join(list(difflib.unified_diff(want.splitlines(True), got.splitlines(True), str(ref), "now",
                                                     n=1))[:80])
            pytest.fail(f"{name} {fname} differs from the golden file:\n{diff}")


def _plan(scenario: Path, out: Path) -> None:
    from outreach.scenario import load_campaign
    from scenarios import PlanOptions, plan_campaign, write_outputs

    result = plan_campaign(load_campaign(scenario), PlanOptions(**OPTIONS))
    write_outputs(result, out, pdf=False)


@pytest.mark.slow
def test_demo_is_golden(tmp_path):
    _plan(ROOT / "scenarios" / "demo.toml", tmp_path / "demo")
    _check("demo", tmp_path / "demo")


@pytest.mark.slow
def test_real_district_is_golden(tmp_path):
    v = shared_path("geodata", "villages_0502.csv")
    s = shared_path("geodata", "communes_0502.geojson")
    scenario = write_scenario(tmp_path / "cm", CHBAR_MON_REAL.format(villages=v, sangkats=s))
    _plan(scenario, tmp_path / "cm" / "plan")
    _check("chbar_mon", tmp_path / "cm" / "plan")
