"""Banners are limited by the roads that exist: one per public road of the village (seed report)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from optimizer.allocation import brute_force_optimum, build_instance, small_campaign, solve_allocation
from optimizer.allocation import instance as instance_module


def _campaign(demo_campaign, roads: list[int], monkeypatch):
    """Four villages whose public roads are ``roads`` (hand counts), banners cheap and well noticed."""
    c = small_campaign(demo_campaign, 1, n_villages=4, budget=5000.0)
    codes = [v.code for v in c.geography.villages]
    assert len(codes) == len(roads)
    monkeypatch.setattr(instance_module, "public_roads", lambda *_args: dict(zip(codes, roads)))
    costs = dict(c.costs)
    costs["banner"] = dataclasses.replace(costs["banner"], usd=0.5)
    # readers at the top of their range, noticing not so often that one banner saturates them
    params = {**c.params, "awareness.p_banner_pass": 0.02, "banner.passes_per_week": 1, "banner.reader_share": 0.16}
    return dataclasses.replace(c, costs=costs, params=params), codes


def test_menu_holds_no_more_banners_than_roads(demo_campaign, monkeypatch):
    c, _ = _campaign(demo_campaign, [2, 1, 1, 1], monkeypatch)
    inst = build_instance(c, None, max_rounds=1, max_passes=0)
    assert list(inst.banner_cap) == [2, 1, 1, 1]
    assert inst.spec.max_banners == 2
    for v, cap in enumerate([2, 1, 1, 1]):
        kept = inst.banners[inst.keep[v]]
        assert kept.max() == cap  # the cap is reached (banners are worth their price here) ...
        assert (kept <= cap).all()  # ... and never passed


def test_one_road_everywhere_shrinks_the_menu(demo_campaign, monkeypatch):
    c, _ = _campaign(demo_campaign, [1, 1, 1, 1], monkeypatch)
    inst = build_instance(c, None, max_rounds=1, max_passes=0)
    assert inst.spec.max_banners == 1 and inst.banners.max() == 1


@pytest.mark.parametrize("backend", ["scip", "cp-sat"])
def test_solution_never_exceeds_roads(demo_campaign, monkeypatch, backend):
    """Banners cost almost nothing and are well noticed: every village takes all its roads allow, no more."""
    c, codes = _campaign(demo_campaign, [2, 1, 1, 1], monkeypatch)
    inst = build_instance(c, None, max_rounds=1, max_passes=0)
    res = solve_allocation(c, None, instance=inst, relative_gap=0.0, time_limit_s=10.0, explain=False,
                           backend=backend)
    got = [res.allocation.banners_by_village[code] for code in codes]
    assert got == [2, 1, 1, 1]
    assert round(res.objective * 100) == brute_force_optimum(inst)


def test_greedy_caps_banners_by_roads(demo_campaign, monkeypatch):
    from optimizer.allocation import greedy as greedy_module

    c, codes = _campaign(demo_campaign, [2, 1, 1, 1], monkeypatch)
    monkeypatch.setattr(greedy_module, "public_roads", lambda *_args: dict(zip(codes, [2, 1, 1, 1])))
    c = dataclasses.replace(c, params={**c.params, "banner.per_village": 3})
    a = greedy_module.greedy_allocation(c, None)
    assert [a.banners_by_village[code] for code in codes] == [2, 1, 1, 1]
    assert np.isclose(sum(b.quantity for b in a.budget_lines if b.key == "banner"), 5)
