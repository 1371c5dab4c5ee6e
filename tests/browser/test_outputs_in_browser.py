"""What a person sees, opened in a real browser: every HTML output offline, with Khmer in the shipped font,
fitting A4 when printed, and readable when copied alone to another folder (issue 18)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outreach.cli import app
from tests.conftest import write_scenario
from tests.maps.test_campaign_map import small_plan  # noqa: F401  (the fixture)

runner = CliRunner()
#: A4 printable width at 96 px/inch with the sheets' 14 mm margins: (210 - 28) mm.
A4_PRINT_WIDTH_PX = round((210 - 28) / 25.4 * 96)

_SURVEYED = """
[survey]
synthetic_respondents = 400
"""


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, request) -> Path:
    """A real district planned end to end (Pursat's 2008 census points, a synthetic survey)."""
    from tests.conftest import PURSAT_REAL, shared_path

    folder = tmp_path_factory.mktemp("browser")
    text = PURSAT_REAL.format(villages=shared_path("geodata", "villages_1505.csv"),
                              sangkats=shared_path("geodata", "communes_1505.geojson")) + _SURVEYED
    scenario = write_scenario(folder / "pursat", text)
    out = folder / "out"
    res = runner.invoke(app, ["plan", str(scenario), "--out", str(out), "--replications", "10", "--time-limit", "2",
                              "--no-pdf", "--lang", "both"])
    assert res.exit_code == 0, res.output
    return out


def _reports(out: Path) -> dict[str, Path]:
    """The compare report (the plan folder re-simulated against itself) and a sweep report, made once."""
    folder = out.parent / "reports"
    if not (folder / "compare" / "report.html").exists():
        from scenarios.sweep_report import write_sweep
        from tests.scenarios.test_sweep import _sweep

        res = runner.invoke(app, ["compare", str(out), str(out), "--out", str(folder / "compare"), "--replications",
                                  "5", "--workers", "1"])
        assert res.exit_code == 0, res.output
        write_sweep(_sweep(), folder / "sweep")
    return {"compare": folder / "compare" / "report.html", "sweep": folder / "sweep" / "sweep.html"}


def _pages(out: Path) -> dict[str, Path]:
    """One page of every kind of HTML output."""
    week = sorted((out / "schedules").glob("P*/week-*.html"))[0]
    route = sorted(p for p in (out / "routes").glob("*.html") if p.name != "index.html")[0]
    return {"map": out / "map.html", "schedule_week": week, "schedule_index": out / "schedules" / "index.html",
            "schedule_overview": out / "schedules" / "overview-week-01.html",
            "route_sheet": route, "route_index": out / "routes" / "index.html",
            "budget": out / "budget" / "budget.html", "survey": out / "survey" / "report.html"}


_MARK_KHMER = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (/[\\u1780-\\u17ff]/.test(walker.currentNode.textContent) && el && el.getClientRects().length > 0) {
      el.setAttribute('data-khmer-probe', '1'); return el.tagName;
    }
  }
  return null;
}"""


def _open(browser, path: Path, shots: Path):
    """Open ``path`` offline: every request that is not file:, data: or about: is recorded and refused."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    leaving: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "about:", "blob:")):
            route.continue_()
        else:
            leaving.append(url)
            route.abort()

    page.route("**/*", guard)
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / f"{path.parent.name}-{path.stem}.png"), full_page=False)
    return page, leaving


def _khmer_fonts(page) -> list[dict]:
    assert page.evaluate(_MARK_KHMER) is not None, "no Khmer text on the page"
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "[data-khmer-probe]"})["nodeId"]
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


@pytest.mark.parametrize("kind", ["map", "schedule_week", "schedule_index", "schedule_overview", "route_sheet",
                                  "route_index", "budget", "survey", "compare", "sweep"])
def test_offline_and_khmer_in_the_shipped_font(browser, outputs, kind, tmp_path):
    """Copied alone into an empty folder, the page makes no request outside it and draws Khmer with its font."""
    alone = tmp_path / "alone"
    alone.mkdir()
    source = _pages(outputs)[kind] if kind not in ("compare", "sweep") else _reports(outputs)[kind]
    page_file = alone / source.name
    shutil.copyfile(source, page_file)
    page, leaving = _open(browser, page_file, tmp_path)
    assert leaving == [], leaving
    if kind == "sweep":  # a sweep names no place: its page still carries the font, for the names it may show
        assert page.evaluate("() => document.fonts.check('12px \"OWSO Khmer\"', 'ក')")
    else:
        fonts = _khmer_fonts(page)
        khmer = [f for f in fonts if "Khmer" in f["familyName"]]
        assert khmer and all(f["isCustomFont"] for f in khmer), fonts  # the embedded font, not a fallback
    page.close()


@pytest.mark.parametrize("kind", ["schedule_week", "schedule_index", "route_sheet", "budget", "survey"])
def test_printed_pages_fit_a4(browser, outputs, kind, tmp_path):
    page, _ = _open(browser, _pages(outputs)[kind], tmp_path)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_PRINT_WIDTH_PX, "height": 1000})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= A4_PRINT_WIDTH_PX + 1, f"{kind} is {width}px wide printed; A4 holds {A4_PRINT_WIDTH_PX}px"
    page.close()


#: The map's layers a reader can switch (one more per tuk-tuk day).
EXPECTED_LAYERS = ("Sangkats", "Villages", "Depots", "Volunteer turfs", "Survey priority", "Forum venues",
                   "Place names")


def test_map_has_layers_and_legend(browser, outputs, tmp_path):
    page, leaving = _open(browser, outputs / "map.html", tmp_path)
    assert leaving == []
    assert page.locator(".leaflet-control-layers").count() == 1
    names = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    for layer in EXPECTED_LAYERS:
        assert any(layer in n for n in names), (layer, names)
    assert page.locator(".leaflet-control-layers-base label").count() == 0  # no background unless asked for
    assert page.locator(".owso-legend").count() == 1
    assert "Loudspeaker routes" in page.locator(".owso-legend").inner_text()
    # names appear as the reader zooms in: none at the district view, village names at zoom 14
    assert page.locator(".owso-village:visible").count() == 0
    map_name = page.evaluate("() => Object.keys(window).find(k => k.startsWith('map_'))")
    page.evaluate(f"() => {{ {map_name}.setZoom(14); }}")
    page.wait_for_timeout(500)
    assert page.locator(".owso-village:visible").count() > 0
    page.screenshot(path=str(tmp_path / "map-zoom14.png"))
    page.close()


def _pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """Each page's size (points) in a PDF Chromium printed."""
    import re

    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    return [(float(w), float(h)) for w, h in boxes]


def test_weekly_overview_prints_on_one_a4_landscape_page(browser, outputs, tmp_path):
    """Every pair's week on one sheet: Chromium prints the page as exactly one A4 landscape page."""
    page, _ = _open(browser, _pages(outputs)["schedule_overview"], tmp_path)
    page.emulate_media(media="print")
    pages = _pdf_pages(page.pdf(prefer_css_page_size=True, print_background=True))
    assert len(pages) == 1, f"the week's overview prints on {len(pages)} pages"
    w, h = pages[0]
    assert (round(w), round(h)) == (842, 595)  # A4 landscape, 297 × 210 mm in points
    assert page.locator("table.ov tr").count() >= 3  # header, pairs, total
    page.close()


def test_weekly_sheet_shows_the_pairs_turf(browser, outputs, tmp_path):
    page, _ = _open(browser, _pages(outputs)["schedule_week"], tmp_path)
    turf = page.locator("svg.turfmap")
    assert turf.count() == 1 and turf.is_visible()
    assert turf.locator("text").count() >= 1 and turf.locator("circle").count() >= 1
    box = turf.bounding_box()
    assert box is not None and box["width"] <= A4_PRINT_WIDTH_PX
    page.screenshot(path=str(tmp_path / "week-turf.png"), full_page=True)
    page.close()


def test_map_prints_on_a4_landscape_with_legend_and_no_controls(browser, outputs, tmp_path):
    page, _ = _open(browser, outputs / "map.html", tmp_path)
    page.emulate_media(media="print")
    assert not page.locator(".leaflet-control-layers").is_visible()
    assert not page.locator(".leaflet-control-zoom").is_visible()
    assert page.locator(".owso-legend").is_visible()
    page.screenshot(path=str(tmp_path / "map-print.png"))
    pages = _pdf_pages(page.pdf(prefer_css_page_size=True, print_background=True))
    assert [(round(w), round(h)) for w, h in pages] == [(842, 595)]
    page.close()


def test_map_popups_and_planning_layers(browser, outputs, tmp_path):
    page, _ = _open(browser, outputs / "map.html", tmp_path)
    names = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert any("Forum venues" in n for n in names) and any("Survey priority" in n for n in names), names
    for name in ("Survey priority", "Forum venues"):
        page.locator(".leaflet-control-layers-overlays label", has_text=name).locator("input").check()
    assert page.locator(".owso-forum").count() >= 1
    opened = page.evaluate("""() => { for (const k of Object.keys(window).filter(k => k.startsWith('circle_marker_'))) {
        const m = window[k]; if (m.getPopup && m.getPopup()) { m.openPopup(); return true; } } return false; }""")
    assert opened
    text = page.locator(".leaflet-popup-content").inner_text()
    for row in ("Households", "Survey priority", "Door rounds planned", "Loudspeaker passes", "Forums in the sangkat",
                "Expected aware at the end"):
        assert row in text, text
    page.screenshot(path=str(tmp_path / "map-popup.png"))
    page.close()


def test_map_turfs_name_each_pair_and_open_its_popup(browser, outputs, tmp_path):
    import json

    pairs = json.loads((outputs / "plan.json").read_text(encoding="utf-8"))["roster"]["pairs"]
    page, _ = _open(browser, outputs / "map.html", tmp_path)
    assert page.locator(".owso-turf:visible").count() == 0  # hidden until switched on
    page.locator(".leaflet-control-layers-overlays label", has_text="Volunteer turfs").locator("input").check()
    assert page.locator(".owso-turf:visible").count() == len(pairs) > 0
    page.locator(".owso-turf").first.dispatch_event("click")  # the first may lie under the layer list
    text = page.locator(".leaflet-popup-content").inner_text()
    assert "Pair " in text and "village(s) over the campaign" in text, text
    page.screenshot(path=str(tmp_path / "map-turfs.png"))
    page.close()


def test_map_with_osm_basemap_is_complete_without_the_tiles(browser, demo_campaign, small_plan, tmp_path):  # noqa: F811
    """Asked for, the tiles are requested (here refused, as offline); every layer and the legend still draw."""
    from maps import write_campaign_map

    plan, reach = small_plan
    path = write_campaign_map(demo_campaign, plan, reach, tmp_path / "map.html", basemap="osm")
    page, leaving = _open(browser, path, tmp_path)
    assert leaving and all(u.startswith("https://tile.openstreetmap.org/") for u in leaving), leaving
    bases = page.locator(".leaflet-control-layers-base label").all_inner_texts()
    assert [b.strip() for b in bases] == ["No background (offline)", "OpenStreetMap (online)"]
    names = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert all(any(layer in n for n in names) for layer in EXPECTED_LAYERS[:4]), names
    assert page.locator(".owso-legend").is_visible() and page.locator(".owso-title").is_visible()
    assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()
    drawn = page.evaluate("() => { const m = window[Object.keys(window).find(k => k.startsWith('map_'))];"
                          " let n = 0; m.eachLayer(l => { if (l instanceof L.CircleMarker) n += 1; }); return n; }")
    assert drawn >= len(demo_campaign.geography.villages)
    page.close()
