"""OBSERVED.csv: the shipped file reads, bad rows name the file, row and field, and the CLI exits with 2."""

from __future__ import annotations

import math

import pytest
from typer.testing import CliRunner

from outreach.cli import app
from outreach.errors import InputError
from scenarios.calibration.observed import read_observed
from tests.conftest import ROOT

HEADER = "key,value,sd,n,counts,measured,source,role\n"
SHIPPED = ROOT / "scenarios" / "api-2012" / "observed.csv"


def test_shipped_figures_read_with_their_uncertainty():
    obs = {o.key: o for o in read_observed(SHIPPED)}
    women = obs["door_contacts_women_share"]
    assert women.value == pytest.approx(12340 / 20719, abs=1e-4)
    assert women.sd == pytest.approx(math.sqrt(0.5956 * 0.4044 / 20719))  # binomial sd from n
    assert obs["forum_women_share"].value == pytest.approx(531 / 1523, abs=1e-4)
    assert obs["forum_participants_per_forum"].value == pytest.approx(1523 / 17, abs=0.01)
    assert obs["door_contacts"].role == "fit" and obs["ombudsman_aware_share"].role == "unmodelled"
    assert all(o.counts for o in obs.values())


@pytest.mark.parametrize("row, field, words", [
    ("aware_share,0.69,,,aware,q3,API,fit", "sd", "sample size"),
    ("aware_share,1.69,,1469,aware,q3,API,fit", "value", "0-1"),
    ("aware_sharee,0.69,,1469,aware,q3,API,fit", "key", "unknown figure"),
    ("aware_share,abc,,1469,aware,q3,API,fit", "value", "not a number"),
    ("aware_share,0.69,-1,,aware,q3,API,fit", "sd", "positive"),
    ("aware_share,0.69,,1469,,q3,API,fit", "counts", "what the figure counts"),
    ("aware_share,0.69,,1469,aware,q3,API,fitted", "role", "role"),
])
def test_bad_row_names_file_row_and_field(tmp_path, row, field, words):
    f = tmp_path / "observed.csv"
    f.write_text(HEADER + "forum_women_share,0.35,,1523,women,2012,API,fit\n" + row + "\n")
    with pytest.raises(InputError) as e:
        read_observed(f)
    assert (e.value.row, e.value.field) == (3, field)
    assert words in str(e.value) and "observed.csv" in str(e.value)


def test_duplicate_figure_is_refused(tmp_path):
    f = tmp_path / "o.csv"
    f.write_text(HEADER + "aware_share,0.69,,1469,a,q,s,fit\naware_share,0.7,,100,a,q,s,fit\n")
    with pytest.raises(InputError, match="appears twice"):
        read_observed(f)


def test_cli_bad_row_exits_2_without_output(tmp_path):
    f = tmp_path / "observed.csv"
    f.write_text(HEADER + "aware_share,0.69,,,aware,q3,API,fit\n")
    out = tmp_path / "cal"
    res = CliRunner().invoke(app, ["calibrate", str(f), "--scenario", str(ROOT / "scenarios" / "api-2012.toml"),
                                   "--out", str(out)])
    assert res.exit_code == 2
    assert "row 2" in res.output and "'sd'" in res.output
    assert not out.exists()
