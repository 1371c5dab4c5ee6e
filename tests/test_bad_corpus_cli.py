"""The bad-input corpus through the command line: each command exits 2 with the loader's message, whole.

For every case of ``tests/data/bad/cases.toml`` (issue 19): exit code 2, the file (and row and field, when the
case has them) named after "Error:", the loader's message printed verbatim (any ``[section]`` it quotes reaches
the user as written), no traceback, and no output folder. Tables a scenario reads (villages, volunteers, costs,
sangkats, roads) are planned through a small scenario that points at them; scenario files are planned as they
are; plan folders are re-simulated; survey exports summarised. progress.csv needs a plan to report on: its
corpus is read by the loader (tests/outreach/test_bad_inputs.py) and one case runs through ``outreach replan``
in tests/test_cli.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from outreach.cli import app
from outreach.errors import InputError
from tests.outreach.test_bad_inputs import ALL, BAD, corpus_file, named_file

runner = CliRunner()

SCENARIO = """
[scenario]
name = "bad-input corpus, {kind}"
districts = ["1505"]
[geography]
{geography}
[calendar]
start = 2027-01-04
weeks = 4
[resources]
{resources}
[budget]
limit_usd = 3000
{budget}
"""
SYNTHETIC = 'layout = "synthetic"\nsynthetic_households = { "1505" = 1200 }'
TEAM = "volunteer_count = 4\nvolunteer_women = 2"
# Two villages the corpus's volunteers may live in (positions typed for this test, about 5 km apart).
VILLAGES = "village_code,lat,lon,households\n15050101,12.50,103.90,100\n15050102,12.48,103.85,130\n"
CASES = [(k, n, s) for k, n, s in ALL if k != "progress"]


def _scenario(kind: str, bad: Path, folder: Path) -> Path:
    """A scenario that reads the bad table (district 1505, four weeks, US$ 3,000)."""
    where = f'"{bad.as_posix()}"'
    geography, resources, budget = SYNTHETIC, TEAM, ""
    if kind == "villages":
        geography = f"villages = {where}"
    elif kind == "volunteers":
        (folder / "villages.csv").write_text(VILLAGES, encoding="utf-8")
        geography, resources = f'villages = "{(folder / "villages.csv").as_posix()}"', f"volunteers = {where}"
    elif kind in ("sangkats", "roads"):
        geography = f"{SYNTHETIC}\n{kind} = {where}"
    elif kind == "costs":
        budget = f"costs = {where}"
    p = folder / "scenario.toml"
    p.write_text(SCENARIO.format(kind=kind, geography=geography, resources=resources, budget=budget),
                 encoding="utf-8")
    return p


def _command(kind: str, bad: Path, folder: Path, out: Path) -> tuple[list[str], Path | None]:
    """The command line that reads the bad file, and the scenario it plans (None: not a planning command)."""
    if kind == "plans":
        return ["simulate", str(bad), "--out", str(out), "--replications", "2"], None
    if kind == "survey":
        (folder / "villages.csv").write_text(VILLAGES, encoding="utf-8")
        return ["survey", "summarize", str(bad), "--out", str(out), "--villages", str(folder / "villages.csv")], None
    scenario = bad if kind == "scenarios" else _scenario(kind, bad, folder)
    return ["plan", str(scenario), "--out", str(out), "--no-pdf"], scenario


def _loader_message(scenario: Path) -> str:
    from outreach.scenario import load_campaign

    with pytest.raises(InputError) as e:
        load_campaign(scenario)
    return str(e.value)


@pytest.mark.parametrize("kind, name, spec", CASES, ids=[f"{k}/{n}" for k, n, _ in CASES])
def test_exits_2_with_file_and_field_and_writes_nothing(tmp_path, kind, name, spec):
    out = tmp_path / "out"
    args, scenario = _command(kind, corpus_file(kind, name), tmp_path, out)
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    text = res.output
    assert "Traceback" not in text and not out.exists()
    where = [str(named_file(kind, name, spec))]
    where += [f"row {spec['row']}"] if "row" in spec else []
    where += [f"field '{spec['field']}'"] if "field" in spec else []
    assert f"Error: {', '.join(where)}: " in text, text
    assert spec["words"] in text
    if scenario is not None:  # the whole message as the loader wrote it: nothing read as markup, nothing wrapped
        assert f"Error: {_loader_message(scenario)}" in text


def test_the_corpus_quotes_a_section_in_brackets():
    """At least one case's message quotes a [section], so the verbatim check above covers markup."""
    from outreach.io import load_villages

    with pytest.raises(InputError, match=r"under \[geography\]"):
        load_villages(BAD / "villages" / "no_coordinates.csv", districts=["1505"])
