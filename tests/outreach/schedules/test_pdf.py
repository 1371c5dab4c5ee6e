"""The schedules' PDFs: the same bytes on every run, rendered ahead or not, split over two processes."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from outreach.schedules import pdf as P
from outreach.schedules import schedule_pdfs, write_schedules
from outreach.schedules.common import css
from tests.conftest import ROOT
from tests.outreach.schedules.conftest import cut_weeks, two_pair_roster


@pytest.fixture(scope="module")
def short(demo_campaign):
    """The demo cut to 2 weeks: PDFs of two pages each."""
    return cut_weeks(demo_campaign, 2)


@pytest.fixture(scope="module")
def two_pairs(short):
    return two_pair_roster(short, 3, 2.0)


@pytest.fixture(scope="module")
def docs(short, two_pairs):
    return schedule_pdfs(short, two_pairs, lang="both", coordinator="Sok Dara")


def _plain(html: str) -> bytes:
    """The reference render: the whole base stylesheet, @font-face included, inline in the page, each document
    parsed on its own (how the PDFs were rendered before the font was loaded once per process)."""
    from weasyprint import HTML

    full = html.replace(str(css(embed_font=False)), str(css()), 1)
    assert full != html
    with P._fixed_font_timestamp():
        return bytes(HTML(string=full).write_pdf())


def test_loading_the_font_once_changes_no_byte(docs):
    # the overview's @page (A4 landscape) comes after the base stylesheet's (A4): the order must survive
    for name, html in docs:
        assert P.render_pdf(html) == _plain(html), name
    assert [n for n, _ in docs][-1] == "overview.pdf" and len(docs) == 3


def test_same_bytes_on_another_run(docs, tmp_path):
    """fontTools stamps font subsets with the clock unless SOURCE_DATE_EPOCH is set: a second process, a
    second later, must write the same bytes."""
    name, html = docs[0]
    (tmp_path / "doc.html").write_text(html, encoding="utf-8")
    code = ("import sys, pathlib; from outreach.schedules.pdf import render_pdf; "
            "sys.stdout.buffer.write(render_pdf(pathlib.Path(sys.argv[1]).read_text(encoding='utf-8')))")
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    other = subprocess.run([sys.executable, "-c", code, str(tmp_path / "doc.html")], cwd=ROOT, env=env,
                           capture_output=True, check=True, timeout=120).stdout
    assert other == P.render_pdf(html)
    assert "SOURCE_DATE_EPOCH" not in os.environ or os.environ["SOURCE_DATE_EPOCH"] != P.FONT_EPOCH


def test_shares_put_the_biggest_first_on_the_least_loaded():
    # by hand: 9 -> p0; 5 -> p1; 4 -> p1 (5 < 9); 3 -> p0 (9 == 9: the lower process)
    assert P.shares([3, 9, 4, 5], 2) == [[1, 0], [3, 2]]
    assert P.shares([2, 2, 2], 2) == [[0, 2], [1]]
    assert P.shares([1], 2) == [[0]]
    assert P.shares([], 2) == []


def test_render_all_keeps_the_order_on_two_processes(docs):
    htmls = [h for _, h in docs]
    one = P.render_all(htmls, workers=1)
    assert P.render_all(htmls, workers=2) == one
    assert [len(b) for b in one] == [len(P.render_pdf(h)) for h in htmls]


def test_ahead_bytes_are_taken_and_equal_the_written(short, two_pairs, docs, tmp_path, monkeypatch):
    ahead = P.render_ahead(docs)
    assert ahead is not None
    rendered_now: list[int] = []
    real = P.render_all
    monkeypatch.setattr(P, "render_all", lambda h, **k: rendered_now.append(len(h)) or real(h, **k))
    files = write_schedules(short, two_pairs, tmp_path / "a", lang="both", coordinator="Sok Dara", ahead=ahead)
    assert rendered_now == [0]  # every PDF came from the renderers started ahead
    monkeypatch.setattr(P, "render_all", real)
    write_schedules(short, two_pairs, tmp_path / "b", lang="both", coordinator="Sok Dara")
    pdfs = sorted(f.relative_to(tmp_path / "a") for f in files if f.suffix == ".pdf")
    assert [str(p) for p in pdfs] == sorted(n for n, _ in docs)
    for rel in pdfs:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


def test_ahead_for_other_html_is_not_taken(short, two_pairs, docs, tmp_path, monkeypatch):
    """PDFs rendered ahead for another coordinator are not used: the sheets print the one asked for."""
    ahead = P.render_ahead(docs)
    assert ahead is not None
    procs = _processes(ahead)
    files = write_schedules(short, two_pairs, tmp_path, lang="both", coordinator="Chan Sophea", ahead=ahead)
    pdf = next(f for f in files if f.name == "overview.pdf")
    text = P.render_pdf(next(h for n, h in schedule_pdfs(short, two_pairs, coordinator="Chan Sophea")
                             if n == "overview.pdf"))
    assert pdf.read_bytes() == text
    assert procs and not any(p.is_alive() for p in procs)  # closed by the writing


def _processes(ahead: P.PendingPdfs) -> list:
    return [job._proc for _idx, job in ahead._jobs]


def test_close_reaps_the_renderers(docs):
    ahead = P.render_ahead(docs)
    assert ahead is not None
    procs = _processes(ahead)
    assert procs
    ahead.close()
    assert all(not p.is_alive() for p in procs)
    assert ahead.take(docs[0][0], docs[0][1]) is None  # nothing is left to take after close


def test_pdf_html_leaves_the_font_to_the_renderer(docs):
    for _name, html in docs:
        assert "@font-face" not in html and re.search(r"<style>", html)
