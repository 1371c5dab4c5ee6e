"""``outreach init`` asks where the OWSO is, and the tuk-tuk's day starts there."""

from __future__ import annotations

import tomllib

from typer.testing import CliRunner

from outreach.cli import app

runner = CliRunner()


def _vehicles(folder):
    return tomllib.loads((folder / "scenario.toml").read_text(encoding="utf-8"))["resources"]["vehicles"]


def test_owso_option_sets_the_depot(tmp_path):
    res = runner.invoke(app, ["init", "0502", str(tmp_path / "cm"), "--owso", "0502=11.4617,104.5236"])
    assert res.exit_code == 0, res.output
    (v,) = _vehicles(tmp_path / "cm")
    assert (v["lat"], v["lon"]) == (11.4617, 104.5236)


def test_init_asks_at_a_terminal_and_says_when_a_default_stands_in(tmp_path, monkeypatch):
    import outreach.cli

    monkeypatch.setattr(outreach.cli, "_interactive", lambda: True)
    res = runner.invoke(app, ["init", "0502", "0403", str(tmp_path / "two")], input="11.4617, 104.5236\n\n")
    assert res.exit_code == 0, res.output
    assert "Where is the OWSO of Chbar Mon (0502)?" in res.output
    first, second = _vehicles(tmp_path / "two")
    assert first["lat"] == 11.4617 and "lat" not in second
    assert "0403" in res.output and "[resources]" in res.output  # the section name is printed, not eaten as markup


def test_a_swapped_position_is_refused(tmp_path):
    res = runner.invoke(app, ["init", "0502", str(tmp_path / "bad"), "--owso", "0502=104.5,11.4"])
    assert res.exit_code == 2 and "outside Cambodia" in res.output
    assert not (tmp_path / "bad").exists()


def test_the_route_sheet_says_when_the_default_depot_stands_in(tmp_path):
    from outreach.scenario import load_campaign

    runner.invoke(app, ["init", "0502", str(tmp_path / "d")])
    c = load_campaign_with_points(tmp_path / "d", load_campaign)
    assert not c.vehicles[0].depot_given


def load_campaign_with_points(folder, load_campaign):
    """Fill villages.csv from the shared census points (skip without ../shared)."""
    import csv

    from tests.conftest import shared_path

    src = shared_path("geodata", "villages_0502.csv")
    pts = {r["village_code"]: r for r in csv.DictReader(src.open(encoding="utf-8"))}
    path = folder / "villages.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    for r in rows:
        p = pts.get(r["village_code"])
        if p and p["lat"] and p["households_2008"]:
            r["lat"], r["lon"], r["households"] = p["lat"], p["lon"], p["households_2008"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    text = (folder / "scenario.toml").read_text(encoding="utf-8").replace("skip_incomplete = false",
                                                                          "skip_incomplete = true")
    (folder / "scenario.toml").write_text(text, encoding="utf-8")
    return load_campaign(folder / "scenario.toml")
