"""Allocate and route: tours routed ahead on the other core are used only for exactly the passes they route."""

from __future__ import annotations

import pytest

from optimizer.allocation import allocate_and_route, small_campaign
from optimizer.allocation.routed import _Router
from optimizer.routing import plan_tours
from outreach.model import Allocation, BudgetLine, Tours


def _echo_route(campaign, *, passes_by_sangkat, prizes, max_days):
    """Tours that name the passes and days they were asked for (and nothing else)."""
    del campaign, prizes
    return Tours((), (), f"{sorted(passes_by_sangkat.items())}|{max_days}", "FEASIBLE", None)


def _allocation(passes: dict[str, int], days: float) -> Allocation:
    line = BudgetLine("tuktuk_day", "tuk-tuk", "day", days, 25.0, "loudspeaker")
    return Allocation({}, passes, {}, {}, 0, (line,), "test")


def _recording_router(campaign) -> tuple[_Router, list[dict]]:
    """A router whose routing in this process is recorded (work done in a forked process is not)."""
    calls: list[dict] = []

    def route(c, **kw):
        calls.append(kw)
        return _echo_route(c, **kw)

    return _Router(campaign, route, {}), calls


def test_tours_routed_ahead_are_taken_when_the_solve_asks_for_those_passes(demo_campaign):
    router, calls = _recording_router(demo_campaign)
    ahead = router.ahead({"a": 3, "b": 2}, 4.2, workers=2)
    assert ahead is not None
    tours = router(_allocation({"b": 2, "a": 3}, 4.2), ahead)
    assert tours.strategy == "[('a', 3), ('b', 2)]|5"
    assert calls == []  # routed in the forked process, not here


@pytest.mark.parametrize(("passes", "days"), [({"a": 3, "b": 1}, 4.2), ({"a": 3, "b": 2}, 5.5)])
def test_a_wrong_guess_is_dropped_and_the_real_passes_routed(demo_campaign, passes, days):
    router, calls = _recording_router(demo_campaign)
    ahead = router.ahead({"a": 3, "b": 2}, 4.2, workers=2)
    tours = router(_allocation(passes, days), ahead)
    assert tours.strategy == f"{sorted(passes.items())}|{int(-(-days // 1))}"
    assert len(calls) == 1 and calls[0]["passes_by_sangkat"] == passes
    assert not ahead.job._proc.is_alive()


def test_a_solve_that_fails_leaves_no_routing_process(demo_campaign):
    import multiprocessing as mp

    from optimizer.allocation.routed import _solving

    router = _Router(demo_campaign, _echo_route, {})
    ahead = router.ahead({"a": 3}, 2.0, workers=2)
    assert ahead is not None

    def fails():
        raise RuntimeError("solver gone")

    with pytest.raises(RuntimeError, match="solver gone"):
        _solving(ahead, fails)
    assert not ahead.job._proc.is_alive() and ahead.job._proc not in mp.active_children()


def test_one_worker_routes_nothing_ahead(demo_campaign):
    assert _Router(demo_campaign, _echo_route, {}).ahead({"a": 3}, 2.0, workers=1) is None


@pytest.mark.slow
def test_allocate_and_route_does_not_depend_on_routing_ahead(demo_campaign):
    small = small_campaign(demo_campaign, 3, n_villages=6, budget=2500.0)
    assert small.vehicles  # the district's tuk-tuk: there are passes to route
    route_fn = lambda c, **kw: plan_tours(c, time_limit_s=2.0, **kw)  # noqa: E731
    one = allocate_and_route(small, None, route_fn=route_fn, workers=1)
    two = allocate_and_route(small, None, route_fn=route_fn, workers=2)
    assert one.allocation == two.allocation
    assert one.tours == two.tours
    assert one.pass_days_km == two.pass_days_km
    assert any(two.allocation.loudspeaker_passes_by_sangkat.values())


def test_passes_routed_before_are_not_routed_again(demo_campaign):
    """Routing is deterministic: the re-solve's passes and days, when the first solve's, reuse its tours."""
    router, calls = _recording_router(demo_campaign)
    first = router(_allocation({"a": 3, "b": 2}, 4.2))
    assert len(calls) == 1
    assert router.ahead({"b": 2, "a": 3}, 4.9, workers=2) is None  # the same passes within the same 5 days
    assert router(_allocation({"b": 2, "a": 3}, 4.9)) is first and len(calls) == 1
    other = router(_allocation({"a": 3, "b": 2}, 5.5))  # one more day: routed
    assert len(calls) == 2 and other.strategy.endswith("|6")
    router(_allocation({"a": 3, "b": 2, "c": 0}, 4.2))  # a sangkat named with no pass is another question
    assert len(calls) == 3


def test_tours_taken_from_ahead_are_kept(demo_campaign):
    router, calls = _recording_router(demo_campaign)
    ahead = router.ahead({"a": 3, "b": 2}, 4.2, workers=2)
    assert ahead is not None
    tours = router(_allocation({"a": 3, "b": 2}, 4.2), ahead)
    assert router.ahead({"a": 3, "b": 2}, 4.2, workers=2) is None
    assert router(_allocation({"a": 3, "b": 2}, 4.2)) == tours and calls == []


@pytest.mark.slow
@pytest.mark.parametrize(("budget", "kept"), [(3000.0, True), (2000.0, False)])
def test_margins_started_during_the_allocation_equal_those_started_after(demo_campaign, monkeypatch, budget, kept):
    """The volunteer's re-solve started on the first solve's incumbent is kept only for the plan's own media
    plan and cost per pass (at US$ 2,000 the last MIP moves to another media plan); kept or not, the margins
    are those of re-solves started after the allocation."""
    from optimizer.allocation import routed as R
    from optimizer.allocation.marginal import margins_ahead
    from outreach.parameters import POSTERIOR_DRAWS

    start = R._VolunteerAhead.start

    def start_once_routed(self, incumbent):  # the product starts only when the routing is done already
        self.route.take(self.route.passes, self.route.max_days)
        start(self, incumbent)

    monkeypatch.setattr(R._VolunteerAhead, "start", start_once_routed)
    small = small_campaign(demo_campaign, 3, n_villages=6, budget=budget)
    route_fn = lambda c, **kw: plan_tours(c, time_limit_s=2.0, **kw)  # noqa: E731
    routed = allocate_and_route(small, None, route_fn=route_fn, workers=2, draws=POSTERIOR_DRAWS[:3],
                                margins_early=True)
    assert routed.money_margin is not None
    assert (routed.volunteer_margin is not None) == kept
    settings = dict(base=routed.base, pass_days_km=routed.pass_days_km)
    early = margins_ahead(small, None, workers=2, money=routed.money_margin, volunteer=routed.volunteer_margin,
                          **settings).result()
    late = margins_ahead(small, None, workers=1, **settings).result()
    assert early["marginal_reach_per_volunteer"] == late["marginal_reach_per_volunteer"]
    assert early["best_district_for_volunteer"] == late["best_district_for_volunteer"]


def test_a_volunteer_margin_for_another_plan_is_cancelled(demo_campaign):
    from optimizer.allocation.routed import _VolunteerAhead
    from outreach.parallel import fork_ahead

    job = fork_ahead(lambda _s, _t: (0.0, -1), None, shared=None)
    assert job is not None
    spec = _VolunteerAhead(demo_campaign, None, None, None, 10.0, "scip",  # type: ignore[arg-type]
                           started_for=(3, (0.5, 20.0)), job=job)
    assert spec.keep_if(4, (0.5, 20.0)) is None and not job._proc.is_alive()
    job2 = fork_ahead(lambda _s, _t: (0.0, -1), None, shared=None)
    spec = _VolunteerAhead(demo_campaign, None, None, None, 10.0, "scip",  # type: ignore[arg-type]
                           started_for=(3, (0.5, 20.0)), job=job2)
    assert spec.keep_if(3, (0.5, 20.1)) is None
    job3 = fork_ahead(lambda _s, _t: (0.0, -1), None, shared=None)
    spec = _VolunteerAhead(demo_campaign, None, None, None, 10.0, "scip",  # type: ignore[arg-type]
                           started_for=(3, (0.5, 20.0)), job=job3)
    assert spec.keep_if(3, (0.5, 20.0)) is job3
    job3.cancel()
