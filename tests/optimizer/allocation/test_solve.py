"""Exact allocation: exactness on small instances, budget and capacity, sheet, determinism, unmet targets."""

from __future__ import annotations

import math

import pytest

from optimizer.allocation import (
    brute_force_optimum,
    build_instance,
    callback_outings,
    evaluate_allocation,
    greedy_allocation,
    outing_capacity_by_district,
    pair_outings_available,
    small_campaign,
    solve_allocation,
)


def met_at_door(params, households: int, visits: int) -> float:
    """Households met at least once in ``visits`` weekday visits of everyone not yet met, by hand:
    ``h (1 - B(a, b + n) / B(a, b))`` for the at-home law Beta(mu c, (1 - mu) c)."""
    mu, c = params["canvass.p_answer_first_visit"], params["canvass.at_home_beta_concentration"]
    a, b = mu * c, (1 - mu) * c

    def log_b(x, y):
        return math.lgamma(x) + math.lgamma(y) - math.lgamma(x + y)

    return households * (1.0 - math.exp(log_b(a, b + visits) - log_b(a, b)))


def given_at_door(params, households: int, visits: int) -> float:
    """Households given a door leaflet in ``visits`` visits: met, or one left where nobody answered (each visit
    with probability ``l``); none only if nobody answered and none was left every time:
    ``h (1 - B(a, b + n) / B(a, b) (1 - l)^n)``."""
    never_met = households - met_at_door(params, households, visits)
    return households - never_met * (1.0 - params["leaflet.left_when_absent"]) ** visits


def print_run(params, handovers: float) -> int:
    """Leaflets printed for expected hand-overs: spares on top, rounded up."""
    return math.ceil(round(handovers * (1 + params["leaflet.spare_share"]), 6))


@pytest.fixture(scope="module")
def demo_solved(demo_campaign):
    """The demo without survey targets (fast, targets met): result and greedy comparator."""
    return solve_allocation(demo_campaign, None, time_limit_s=10.0, relative_gap=0.001)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("backend", ["scip", "cp-sat"])
def test_brute_force_agrees_with_the_solvers(demo_campaign, seed, backend):
    c = small_campaign(demo_campaign, seed, n_villages=4 + seed % 2)
    inst = build_instance(c, None, max_rounds=1, max_passes=2)
    exact = brute_force_optimum(inst)
    res = solve_allocation(c, None, instance=inst, relative_gap=0.0, time_limit_s=10.0, explain=False,
                           backend=backend)
    assert res.allocation.status == "OPTIMAL" and res.allocation.strategy == backend
    assert round(res.objective * 100) == exact
    assert res.allocation.planned_usd <= c.budget_usd + 1e-9


def _outings_used(campaign, res):
    return sum(callback_outings(campaign, v.households, res.allocation.door_rounds_by_village[v.code],
                                res.callbacks_by_village[v.code]) for v in campaign.geography.villages)


def test_demo_within_budget_and_capacities(demo_campaign, demo_solved):
    c, a = demo_campaign, demo_solved.allocation
    assert a.strategy == "scip" and a.status in ("OPTIMAL", "FEASIBLE")
    assert a.gap is not None and a.gap <= 0.01
    assert a.planned_usd <= c.budget_usd
    used = _outings_used(c, demo_solved)
    team = c.params["canvass.team_size"]
    assert used <= pair_outings_available(c)
    assert sum(b.quantity for b in a.budget_lines if b.key == "volunteer_outing") == used * team
    caps = outing_capacity_by_district(c)
    for d, cap in caps.items():
        assert sum(callback_outings(c, v.households, a.door_rounds_by_village[v.code],
                                    demo_solved.callbacks_by_village[v.code])
                   for v in c.geography.villages if v.district_code == d) <= cap
    # every sangkat gets its required passes (the demo's tuk-tuks can)
    assert min(a.loudspeaker_passes_by_sangkat.values()) >= c.targets.loudspeaker_passes_per_sangkat
    # leaflets for the hand-overs: every household met at the door once (callbacks cover all not yet met),
    # every forum participant; spares on top
    p = c.params
    door = sum(print_run(p, given_at_door(p, v.households, a.door_rounds_by_village[v.code]
                                        * (1 + demo_solved.callbacks_by_village[v.code])))
               for v in c.geography.villages)
    assert a.leaflets == door + sum(a.forums_by_sangkat.values()) * print_run(p, p["forum.participants"])


def test_cpsat_beats_greedy_at_equal_budget(demo_campaign, demo_solved):
    c = demo_campaign
    g = greedy_allocation(c, None)
    vg = evaluate_allocation(c, g)
    vc = evaluate_allocation(c, demo_solved.allocation, callbacks_by_village=demo_solved.callbacks_by_village)
    assert demo_solved.allocation.planned_usd <= c.budget_usd and g.planned_usd <= c.budget_usd
    assert vc.aware >= vg.aware
    # the solver's own accounting is the shared response model's
    assert vc.aware == pytest.approx(demo_solved.aware, rel=1e-9)


def test_budget_sheet_totals(tmp_path, demo_campaign, demo_solved):
    from openpyxl import load_workbook

    from outreach.budgetsheet import budget_rows, write_budget_sheet

    a = demo_solved.allocation
    files = write_budget_sheet(demo_campaign, a, tmp_path, marginal={"households_aware": demo_solved.aware})
    assert [f.name for f in files] == ["budget.xlsx", "budget.html"]
    rows = budget_rows(demo_campaign, a)
    assert rows[-1]["total_usd"] == a.planned_usd
    subs = {r["channel"]: r["total_usd"] for r in rows if r["kind"] == "subtotal"}
    assert subs == a.by_channel()
    assert round(sum(r["total_usd"] for r in rows if r["kind"] == "line"), 2) == a.planned_usd
    ws = load_workbook(files[0])["Budget"]
    n = next(r[0].row for r in ws.iter_rows() if str(r[0].value).endswith("Grand total"))
    assert str(ws[f"E{n}"].value).startswith("=")  # a live formula, not a value
    from tests.outreach.xlsx_recompute import recompute

    values = recompute(files[0])
    assert values[("BUDGET", f"E{n}")] == pytest.approx(a.planned_usd, abs=0.005)
    assert values[("BUDGET", f"F{n}")] == round(a.planned_usd * demo_campaign.usd_to_khr)
    page = files[1].read_text(encoding="utf-8")
    assert "Noto Sans Khmer" in page and f"{a.planned_usd:,.2f}" in page
    assert "data:font/woff;base64," in page and "../" not in page  # the page travels alone
    km = write_budget_sheet(demo_campaign, a, tmp_path / "km", lang="km")[1].read_text(encoding="utf-8")
    assert "សរុបរួម" in km and "Grand total" not in km and "ប្រាក់ឧបត្ថម្ភ" in km
    en = write_budget_sheet(demo_campaign, a, tmp_path / "en", lang="en")[1].read_text(encoding="utf-8")
    assert "Grand total" in en and "សរុបរួម" not in en


def test_deterministic(demo_campaign):
    c = small_campaign(demo_campaign, 11, n_villages=6)
    one = solve_allocation(c, None, time_limit_s=5.0)
    two = solve_allocation(c, None, time_limit_s=5.0)
    assert one.allocation == two.allocation
    assert one.callbacks_by_village == two.callbacks_by_village


@pytest.mark.parametrize("backend", ["scip", "cp-sat"])
def test_no_tuktuk_means_no_passes_and_no_loudspeaker_money(demo_campaign, backend):
    import dataclasses

    from outreach.model import Targets

    # a pass target and a budget large enough that the loudspeaker is bought whenever there is a tuk-tuk
    with_tuktuk = dataclasses.replace(small_campaign(demo_campaign, 4, n_villages=6, budget=4000.0),
                                      targets=Targets(loudspeaker_passes_per_sangkat=2, forums_per_sangkat=1))
    assert with_tuktuk.vehicles
    without = dataclasses.replace(with_tuktuk, vehicles=())
    got = {name: solve_allocation(c, None, time_limit_s=5.0, backend=backend).allocation
           for name, c in (("with", with_tuktuk), ("without", without))}
    assert sum(got["with"].loudspeaker_passes_by_sangkat.values()) > 0
    assert "loudspeaker" in got["with"].by_channel()
    assert not any(got["without"].loudspeaker_passes_by_sangkat.values())
    assert "loudspeaker" not in got["without"].by_channel()
    assert got["without"].planned_usd <= without.budget_usd
    # the unmet pass target is said, with the reason
    assert any("tuk-tuk" in n or "vehicle" in n for n in got["without"].notes), got["without"].notes
