"""Schedule outputs: PDF with the Khmer font, HTML, ICS, Telegram, XLSX, CSV; the replan command."""

from __future__ import annotations

import datetime as dt
import json
import re
import zlib
from dataclasses import replace

import pytest

from optimizer.roster import plan_roster
from outreach.model import Outing, Pair, Plan, Roster, Tours
from outreach.schedules import ics_text, telegram_message, write_schedules
from tests.conftest import ROOT
from tests.outreach.schedules.conftest import cut_weeks, first_villages, two_pairs_of


@pytest.fixture(scope="module")
def short(demo_campaign):
    """The demo cut to 4 weeks: every output is checked, PDFs render in a third of the time."""
    return cut_weeks(demo_campaign, 4)


@pytest.fixture(scope="module")
def alloc(demo_campaign):
    return first_villages(demo_campaign, 4)


@pytest.fixture(scope="module")
def roster(short, alloc):
    return plan_roster(short, alloc, time_limit_s=3.0)


@pytest.fixture(scope="module")
def small_roster(roster):
    """Two pairs only: keeps the PDF part of the test quick."""
    return two_pairs_of(roster)


@pytest.fixture(scope="module")
def written(short, small_roster, tmp_path_factory):
    out = tmp_path_factory.mktemp("sched")
    files = write_schedules(short, small_roster, out, lang="both", coordinator="Sok Dara 012 345 678")
    return out, files


def _pdf_text(data: bytes) -> bytes:
    """Raw bytes plus every inflated stream (font names sit in compressed object streams)."""
    out = [data]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            pass
    return b"\n".join(out)


def test_pdf_embeds_the_khmer_font(written, small_roster, short):
    out, files = written
    for p in small_roster.pairs:
        pdf = out / p.id / f"{p.id}.pdf"
        assert pdf in files
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF")
        text = _pdf_text(data)
        assert re.search(rb"/FontName\s*/[A-Z]{6}\+OWSO-?Khmer", text), "Khmer font not embedded"
        # never a system Khmer font: with one installed, bold words printed the embedded subset's glyph
        # numbers in the system's Bold file, i.e. wrong letters
        assert not re.search(rb"/FontName\s*/[A-Z]{6}\+Noto-?Sans-?Khmer", text)
        assert b"FontFile2" in text  # embedded TrueType program, not just a name
        pages = len(re.findall(rb"/Type\s*/Page[^s]", text))
        assert pages == short.calendar.weeks  # one page per week


def test_html_sheets_and_overview(written, small_roster, short):
    out, _ = written
    geo = short.geography
    p = small_roster.pairs[0]
    o = next(o for o in small_roster.outings if o.pair_id == p.id)
    w = short.calendar.week_of(o.date) + 1
    html = (out / p.id / f"week-{w:02d}.html").read_text(encoding="utf-8")
    v = geo.village_by_code[o.visits[0][0]]
    assert v.name_kh in html and v.name_en in html
    assert "Sok Dara 012 345 678" in html
    assert "@font-face" in html and "&#34;" not in html  # CSS not HTML-escaped
    assert 'src: url("data:font/woff;base64,' in html and not (out / "fonts").exists()  # travels alone
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f"{p.id}/{p.id}.pdf" in index and f"{p.id}/week-01.html" in index
    csv_text = (out / "schedule.csv").read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0].startswith("pair,members,week,date,slot,kind,village_code")
    assert len(csv_text.splitlines()) == 1 + sum(len(o.visits) for o in small_roster.outings)


def test_ics_one_event_per_outing(written, small_roster):
    out, _ = written
    for p in small_roster.pairs:
        raw = (out / p.id / f"{p.id}.ics").read_bytes()
        assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
        for line in raw.split(b"\r\n"):
            assert len(line) <= 75
        lines = raw.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]  # unfold
        assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
        n = sum(o.pair_id == p.id for o in small_roster.outings)
        assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == n
        uids = [x for x in lines if x.startswith("UID:")]
        assert len(set(uids)) == n
        first = min((o for o in small_roster.outings if o.pair_id == p.id), key=lambda o: o.date)
        assert any(x.startswith("DTSTART:" + first.date.strftime("%Y%m%d")) for x in lines)


def test_telegram_messages(written, small_roster, short):
    out, _ = written
    p = small_roster.pairs[0]
    outs = sorted((o for o in small_roster.outings if o.pair_id == p.id), key=lambda o: o.date)
    w = short.calendar.week_of(outs[0].date)
    msg = (out / p.id / f"telegram-week-{w + 1:02d}.txt").read_text(encoding="utf-8")
    assert msg.startswith(f"{p.id} · សប្តាហ៍ទី · Week {w + 1}")
    assert short.geography.village_by_code[outs[0].visits[0][0]].name_kh in msg
    week_outs = [o for o in outs if short.calendar.week_of(o.date) == w]
    assert sum(line.startswith("- ") for line in msg.splitlines()) == len(week_outs)
    en = telegram_message(short, p.id, [], week_outs, w, lang="en")
    assert "Week" in en and "សប្តាហ៍" not in en
    assert len((out / p.id / "telegram.txt").read_text(encoding="utf-8")) > len(msg)


def test_xlsx_sheet_per_week(written, small_roster, short):
    from openpyxl import load_workbook

    out, _ = written
    wb = load_workbook(out / "schedule.xlsx")
    assert wb.sheetnames == ["Pairs"] + [f"Week {w + 1:02d}" for w in range(short.calendar.weeks)]
    rows = sum(wb[f"Week {w + 1:02d}"].max_row - 1 for w in range(short.calendar.weeks))
    assert rows == sum(len(o.visits) for o in small_roster.outings)
    assert wb["Pairs"].max_row == 1 + len(small_roster.pairs)


def test_ics_folding_keeps_utf8_intact(demo_campaign):
    code = demo_campaign.geography.villages[0].code
    long = tuple((code, 3) for _ in range(8))
    r = Roster((Pair("P01", ("V01", "V02"), (code,)),),
               (Outing("P01", dt.date(2027, 1, 5), "evening", long, "callback"),), "test")
    raw = ics_text(demo_campaign, r, "P01").encode("utf-8")
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # never cut inside a Khmer character
    assert "CATEGORIES:CALLBACK" in raw.decode("utf-8")
    assert "DTSTART:20270105T100000Z" in raw.decode("utf-8")  # 17:00 in Phnom Penh


def test_bad_lang_is_an_input_error(demo_campaign, small_roster, tmp_path):
    from outreach.errors import InputError

    with pytest.raises(InputError):
        write_schedules(demo_campaign, small_roster, tmp_path, lang="fr")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- replan command
@pytest.fixture(scope="module")
def plan_dir(demo_campaign, alloc, roster, tmp_path_factory):
    from outreach.planfile import plan_to_dict

    d = tmp_path_factory.mktemp("plan")
    plan = Plan(demo_campaign.name, alloc, Tours((), (), "none"), roster)
    data = plan_to_dict(plan, scenario_file=str(ROOT / "scenarios" / "demo.toml"), seed=demo_campaign.seed)
    (d / "plan.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return d


def _app():
    import typer

    from outreach.cli.replan import replan_command

    app = typer.Typer()
    app.command()(replan_command)
    app.command("noop")(lambda: None)  # two commands: typer keeps the sub-command name
    return app


def test_replan_command_rejects_bad_rows(plan_dir, roster, tmp_path):
    from typer.testing import CliRunner

    o = roster.outings[0]
    bad = tmp_path / "progress.csv"
    bad.write_text("pair_id,date,village_code,visited,not_at_home,refused,cancelled\n"
                   f"{o.pair_id},{o.date},{o.visits[0][0]},20,many,0,\n", encoding="utf-8")
    res = CliRunner().invoke(_app(), ["replan-command", str(plan_dir), str(bad), "--out", str(tmp_path / "new")])
    assert res.exit_code == 2, res.output
    msg = " ".join(res.output.split())  # rich wraps long lines
    assert "progress.csv, row 2, field 'not_at_home'" in msg
    assert not (tmp_path / "new").exists()
    bad.write_text("pair_id,date,village_code,visited,not_at_home,refused,cancelled\n"
                   f"P99,{o.date},{o.visits[0][0]},1,0,0,\n", encoding="utf-8")
    res = CliRunner().invoke(_app(), ["replan-command", str(plan_dir), str(bad), "--out", str(tmp_path / "new")])
    assert res.exit_code == 2 and "pair_id" in res.output


def test_replan_command_writes_a_new_plan(plan_dir, roster, tmp_path):
    from typer.testing import CliRunner

    from outreach.planfile import plan_from_dict

    o = next(o for o in roster.outings if o.kind == "round")
    good = tmp_path / "progress.csv"
    good.write_text("pair_id,date,village_code,visited,not_at_home,refused,cancelled\n"
                    f"{o.pair_id},{o.date},{o.visits[0][0]},5,{o.visits[0][1] - 5},0,\n", encoding="utf-8")
    out = tmp_path / "new"
    res = CliRunner().invoke(_app(), ["replan-command", str(plan_dir), str(good), "--out", str(out), "--no-pdf"])
    assert res.exit_code == 0, res.output
    new = plan_from_dict(json.loads((out / "plan.json").read_text(encoding="utf-8"))).roster
    assert new.strategy == "cp-sat-replan"
    cut = o.date + dt.timedelta(days=1)
    assert [x for x in new.outings if x.date < cut] == [x for x in roster.outings if x.date < cut]
    assert (out / "schedules" / "index.html").exists()


def test_leaflets_to_carry_follow_the_spare_share(demo_campaign):
    """One per listed household plus ``leaflet.spare_share``, rounded up: 37 households at 10 % and 25 %."""
    from outreach.schedules.weekly import leaflets_for

    o = Outing("P01", dt.date(2027, 1, 4), "morning", (("15050101", 20), ("15050102", 17)))
    assert leaflets_for(demo_campaign, o) == 41  # ceil(37 x 1.10) = ceil(40.7)
    params = dict(demo_campaign.params) | {"leaflet.spare_share": 0.25}
    assert leaflets_for(replace(demo_campaign, params=params), o) == 47  # ceil(46.25)


def test_overview_pages_and_turf_maps(written, small_roster, short):
    """A landscape overview page per week (HTML and a PDF page each), and a turf map on every weekly sheet."""
    out, files = written
    overviews = sorted(out.glob("overview-week-*.html"))
    assert [p.name for p in overviews] == [f"overview-week-{w:02d}.html" for w in range(1, short.calendar.weeks + 1)]
    assert set(overviews) <= set(files) and out / "overview.pdf" in files
    pages = re.findall(rb"/Type\s*/Page(?![s\w])", _pdf_text((out / "overview.pdf").read_bytes()))
    assert len(pages) == short.calendar.weeks
    for p in small_roster.pairs:
        sheet = (out / p.id / "week-01.html").read_text(encoding="utf-8")
        assert sheet.count('<svg class="turfmap"') == 1
        assert short.geography.village_by_code[p.villages[0]].name_en in sheet.split('<svg class="turfmap"')[1]
    assert 'href="overview-week-01.html"' in (out / "index.html").read_text(encoding="utf-8")
