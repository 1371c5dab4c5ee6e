"""Property-based: generated malformed inputs either load or raise the project's InputError, never anything else.

Each loader gets tables built from its own column names (and aliases, duplicates and junk columns) with cells
drawn from a mix of valid values and the things Excel and careless typing produce: Khmer digits, decimal
commas, inf/nan, huge and negative numbers, dates with tails, quotes, newlines, NUL and other control bytes,
and text in legacy encodings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach.errors import InputError
from outreach.io import load_cost_overrides, load_progress, load_village_list, load_villages, load_volunteers
from outreach.model import Outing, Pair, Roster
from outreach.parameters import COSTS
from outreach.scenario import read_scenario

NUMBERS = st.sampled_from(["inf", "-inf", "nan", "1e300", "1e30", "-1", "0", "2.5", "1000000000", "12,5", "1,234",
                           "០១២", "-0", "1_000"])
CELLS = st.one_of(
    NUMBERS,
    st.sampled_from(["", "15050101", "15050102", "1505010", "150501", "12.50", "103.90", "yes", "no", "maybe", "F", "M",
                     "Mixed", "ស្រី", "morning", "m a e", "noon", "2027-01-15", "2027-01-15xyz", "0001-01-01",
                     "2027-02-30", "rural", "roadside", "jungle", "P01", "x", "\"", "a\nb", "\x00", "\x7f",
                     "volunteer_outing", "banner"]),
    st.text(max_size=12),
    st.integers(min_value=-10**12, max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
SETTINGS = settings(max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "100")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _table(columns: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    w.writerows(rows)
    return buf.getvalue()


def tables(valid: dict[str, str]) -> st.SearchStrategy[tuple[str, str]]:
    """(CSV text, encoding): columns drawn from ``valid``'s names plus junk; each row starts valid and has some
    cells replaced, so a row often gets as far as the rule that its one bad cell breaks."""
    known = list(valid)
    columns = st.lists(st.one_of(st.sampled_from(known), st.text(min_size=1, max_size=6)), min_size=1,
                       max_size=len(known) + 2)

    def row(cols: list[str]) -> st.SearchStrategy[list[str]]:
        # Mostly one defect per row (as a careless user makes them), sometimes several.
        base = [valid.get(c, "") for c in cols]
        one = st.tuples(st.integers(0, len(cols) - 1), CELLS).map(lambda ic: base[:ic[0]] + [ic[1]] + base[ic[0] + 1:])
        many = st.tuples(*(st.one_of(st.just(b), CELLS) for b in base)).map(list)
        return st.one_of(one, one, many)

    def with_rows(cols: list[str]) -> st.SearchStrategy[str]:
        return st.lists(row(cols), max_size=4).map(lambda rows: _table(cols, rows))

    return st.tuples(st.one_of(st.just(known), columns).flatmap(with_rows),
                     st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))


def _write(text: str, encoding: str, suffix: str = ".csv") -> Path:
    folder = Path(tempfile.mkdtemp(prefix="prop-"))
    p = folder / f"table{suffix}"
    p.write_bytes(text.encode(encoding, errors="replace"))
    return p


def _loads_or_input_error(fn, *args, **kwargs) -> None:
    try:
        fn(*args, **kwargs)
    except InputError as exc:
        assert exc.file, exc  # every refusal names its file


VILLAGE_COLS = {"village_code": "15050101", "lat": "12.50", "lon": "103.90", "households": "103",
                "population": "445", "women": "226", "men": "219", "setting": "rural", "market": "no",
                "latitude": "12.50", "hh": "103", "code": "15050102"}
VOLUNTEER_COLS = {"id": "V1", "name": "Dara", "sex": "F", "home_village": "15050101", "mon": "afternoon", "tue": "",
                  "wed": "", "thu": "", "fri": "", "sat": "morning", "sun": "", "outings_per_week": "2",
                  "first_date": "2027-01-04", "last_date": "2027-03-01", "fixed_pair": ""}


@SETTINGS
@given(tables(VILLAGE_COLS), st.booleans())
def test_villages(table, skip):
    _loads_or_input_error(load_villages, _write(*table), districts=["1505"], skip_incomplete=skip)


@SETTINGS
@given(tables(VOLUNTEER_COLS))
def test_volunteers(table):
    _loads_or_input_error(load_volunteers, _write(*table), village_codes={"15050101", "15050102"})


@SETTINGS
@given(tables({"key": "banner", "label": "Banner", "unit": "banner", "usd": "12", "channel": "print",
               "source": "quote"}))
def test_costs(table):
    _loads_or_input_error(load_cost_overrides, _write(*table), known=COSTS)


@SETTINGS
@given(tables({"village_code": "15050101", "sangkat_code": "150501", "households": "103", "name_en": "Leav",
               "name_kh": "លាវ", "village": "15050102"}))
def test_village_list(table):
    _loads_or_input_error(load_village_list, _write(*table))


ROSTER = Roster((Pair("P01", ("V1", "V2"), ("15050101",)),),
                (Outing("P01", dt.date(2027, 1, 15), "afternoon", (("15050101", 20),)),), "test")


@SETTINGS
@given(tables({"pair_id": "P01", "date": "2027-01-15", "village_code": "15050101", "visited": "12",
               "not_at_home": "8", "refused": "0", "cancelled": ""}))
def test_progress(table):
    _loads_or_input_error(load_progress, _write(*table), roster=ROSTER)


TOML_VALUES = st.one_of(
    st.sampled_from(['"1505"', '["1505"]', '["1505", "1505"]', "inf", "nan", "-1", "0", "1e300", "true",
                     "2027-01-04", "9999-12-31", "0001-01-01", '"x"', "[]", "{}", '{ "1505" = 1 }', "[1, 2]",
                     '"[geography]"', "9223372036854775807"]),
    st.integers(min_value=-10**20, max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: repr(f).replace("nan", "nan").replace("inf", "inf")),
)
KEYS = ["name", "districts", "seed", "layout", "synthetic_households", "household_growth", "start", "weeks",
        "blackout", "season", "volunteer_count", "volunteer_women", "limit_usd", "usd_to_khr", "min_awareness",
        "forums_per_sangkat", "door_rounds", "weights", "vehicles", "bogus"]
TEMPLATE = """
[scenario]
name = "p"
districts = ["1505"]
[geography]
layout = "synthetic"
synthetic_households = {{ "1505" = 1200 }}
[calendar]
start = 2027-01-04
weeks = 4
[resources]
volunteer_count = 4
volunteer_women = 2
[budget]
limit_usd = 3000
{extra}
"""


@SETTINGS
@given(st.sampled_from(KEYS), TOML_VALUES, st.sampled_from(["scenario", "geography", "calendar", "resources",
                                                            "budget", "targets", "plan", "survey"]))
def test_scenario_settings(key, value, section):
    """One setting replaced or added with a random value: read_scenario loads it or names file and field."""
    body = TEMPLATE.format(extra="")
    lines = [ln for ln in body.splitlines() if not ln.startswith(f"{key} =")]
    text = "\n".join(lines) + f"\n[{section}]\n{key} = {value}\n" if f"[{section}]" not in body else "\n".join(
        ln + (f"\n{key} = {value}" if ln == f"[{section}]" else "") for ln in lines)
    p = _write(text, "utf-8", ".toml")
    _loads_or_input_error(read_scenario, p)
