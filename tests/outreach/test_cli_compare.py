"""``outreach compare`` and ``outreach sweep`` refuse bad arguments with exit code 2 and a clear message."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from outreach.cli import app

runner = CliRunner()
DEMO = "scenarios/demo.toml"


@pytest.mark.parametrize("args, words", [
    (["sweep", DEMO, "--budget", "5:1:1"], "above its stop"),
    (["sweep", DEMO, "--budget", "1000:2000"], "START:STOP:STEP"),
    (["sweep", DEMO, "--weeks", "2:80:10"], "beyond 52 weeks"),
    (["sweep", DEMO], "exactly one of --budget"),
    (["sweep", DEMO, "--budget", "1000:2000:500", "--weeks", "2:4:1"], "exactly one of --budget"),
    (["sweep", "missing.toml", "--budget", "1000:2000:500"], "does not exist"),
    (["sweep", "--districts", "05"], "--villages FILE"),
    (["sweep", "--villages", "missing.csv", "--districts", "05"], "village file does not exist"),
    (["sweep", "--villages", DEMO, "--districts", "05", "--rules", "missing.toml"], "sweep file does not exist"),
    (["compare", "missing.toml", DEMO], "no such scenario file or plan folder"),
    (["compare", "scenarios", DEMO], "no plan.json"),
])
def test_bad_arguments_exit_2(args, words):
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    assert words in " ".join(res.output.split())
    assert "Traceback" not in res.output
