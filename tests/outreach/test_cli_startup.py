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
