"""``outreach --help`` answers without the heavy libraries (a slow start is a user's first impression).

Wall time belongs in benchmarks; what is checked here is the cause of a slow
start: the CLI importing pandas, scipy or the solvers before a command runs.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "scipy", "ortools", "pyvrp", "geopandas", "folium", "networkx", "openpyxl")


def test_help_imports_no_heavy_library():
    code = ("import sys; from typer.testing import CliRunner; from outreach.cli import app; "
            "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0, r.output; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"`outreach --help` imported {out.stdout.strip()}"


def test_scenario_slip_is_reported_before_the_planners_load(tmp_path):
    """An error in scenario.toml answers before pandas, the solvers or networkx are imported."""
    bad = tmp_path / "scenario.toml"
    bad.write_text('[scenario]\nname = "x"\ndistricts = ["Chbar Mon"]\n', encoding="utf-8")
    code = ("import sys; from typer.testing import CliRunner; from outreach.cli import app; "
            f"r = CliRunner().invoke(app, ['plan', {str(bad)!r}, '--out', {str(tmp_path / 'o')!r}]); "
            "assert r.exit_code == 2, r.output; assert '4-digit district code' in r.output, r.output; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"a scenario slip imported {out.stdout.strip()}"
