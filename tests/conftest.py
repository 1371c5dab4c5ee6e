"""Shared fixtures. Tests that read ../shared skip cleanly when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# OUTREACH_SHARED points elsewhere when the tests run from a copy of the project (``make mutants`` runs them
# from ./mutants, where ../shared is not the shared folder).
SHARED = Path(os.environ.get("OUTREACH_SHARED") or ROOT.parent / "shared")


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test when it is not there."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} not available (../shared is absent)")
    return p


def documented(campaign):
    """``campaign`` with every parameter at its documented value (before any shipped posterior).

    For tests of the solvers and their explanations whose hand-made situations
    (a target just met, a budget just short) were set up on those values; the
    posterior's means move with every calibration.
    """
    import dataclasses

    from scenarios.calibration.forward import documented_params

    return dataclasses.replace(campaign, params=documented_params(campaign))


@pytest.fixture(scope="session")
def demo_campaign():
    from outreach.scenario import load_campaign

    return load_campaign(ROOT / "scenarios" / "demo.toml")


def write_scenario(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / "scenario.toml"
    p.write_text(body, encoding="utf-8")
    return p


PURSAT_REAL = """
[scenario]
name = "Pursat municipality, real 2008 census village points"
districts = ["1505"]

[geography]
villages = "{villages}"
sangkats = "{sangkats}"
skip_incomplete = true

[calendar]
start = 2027-01-04
weeks = 4

[resources]
volunteer_count = 10
volunteer_women = 4

[budget]
limit_usd = 3000
"""


@pytest.fixture()
def pursat_real_scenario(tmp_path):
    v = shared_path("geodata", "villages_1505.csv")
    s = shared_path("geodata", "communes_1505.geojson")
    return write_scenario(tmp_path / "pursat", PURSAT_REAL.format(villages=v, sangkats=s))
