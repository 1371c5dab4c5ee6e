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


def test_sweep_command_defaults_are_the_sweep_options():
    """The CLI spells its defaults out (importing the sweep module would slow ``--help``); they must be the
    benchmark's, so a benchmarked national run is what ``outreach sweep`` runs."""
    import inspect

    from outreach.cli.compare import sweep_command
    from scenarios.sweep import SWEEP_REPLICATIONS, SWEEP_STRATEGY, SWEEP_TIME_LIMIT_S

    sig = inspect.signature(sweep_command)
    defaults = {k: p.default for k, p in sig.parameters.items()}
    assert defaults["replications"] == SWEEP_REPLICATIONS
    assert defaults["time_limit"] == SWEEP_TIME_LIMIT_S
    assert defaults["strategy"] == SWEEP_STRATEGY
