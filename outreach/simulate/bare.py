"""Bare campaigns and plans: only what the reach simulator reads.

For studies, benchmarks and tests that evaluate hand-made exposures on a
hand-made area without a scenario file: the campaign has no roads,
volunteers, vehicles, costs or targets; the plan has no budget lines, pairs
or dropped visits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..model import (
    Allocation,
    Calendar,
    Campaign,
    District,
    Geography,
    Outing,
    Plan,
    Province,
    RoadNetwork,
    Roster,
    Sangkat,
    Targets,
    Tours,
    VehicleDay,
    Village,
)


def bare_geography(villages: Sequence[Village]) -> Geography:
    """The villages with their sangkats, districts and provinces (in code order, each named by its code)."""
    district_of = {v.sangkat_code: v.district_code for v in villages}
    province_of = {v.district_code: v.province_code for v in villages}
    return Geography(
        tuple(Province(c, c, "") for c in sorted({v.province_code for v in villages})),
        tuple(District(c, c, "", province_of[c]) for c in sorted(province_of)),
        tuple(Sangkat(c, c, "", district_of[c]) for c in sorted(district_of)),
        tuple(villages),
    )


def bare_campaign(
    geography: Geography,
    params: Mapping[str, float],
    calendar: Calendar,
    *,
    seed: int,
    name: str = "bare",
    budget_usd: float = 0.0,
) -> Campaign:
    """A campaign of ``geography`` over ``calendar`` with nothing the simulator does not read."""
    return Campaign(
        name=name,
        seed=seed,
        geography=geography,
        roads=RoadNetwork(graph=None, village_node={}, depot_node={}, kind="proxy"),
        calendar=calendar,
        volunteers=(),
        vehicles=(),
        costs={},
        budget_usd=budget_usd,
        targets=Targets(),
        params=params,
    )


def bare_plan(
    name: str,
    *,
    outings: Sequence[Outing] = (),
    days: Sequence[VehicleDay] = (),
    forums: Mapping[str, int] | None = None,
    banners: Mapping[str, int] | None = None,
    leaflets: int = 0,
    door_rounds: Mapping[str, int] | None = None,
    passes: Mapping[str, int] | None = None,
) -> Plan:
    """A plan of door outings and loudspeaker vehicle-days (``name`` is also its strategy).

    Parameters
    ----------
    name : str
        Campaign name, and the strategy of the allocation, tours and roster.
    outings, days : sequence
        Door outings and loudspeaker vehicle-days.
    forums, banners : mapping, optional
        Forums by sangkat code and banners by village code.
    leaflets : int
        Leaflets handed out over the whole area.
    door_rounds, passes : mapping, optional
        Door rounds by village and loudspeaker passes by sangkat, for the record
        (the simulator reads the outings and vehicle-days).
    """
    alloc = Allocation(
        door_rounds_by_village=door_rounds or {},
        loudspeaker_passes_by_sangkat=passes or {},
        forums_by_sangkat=forums or {},
        banners_by_village=banners or {},
        leaflets=leaflets,
        budget_lines=(),
        strategy=name,
    )
    return Plan(name, alloc, Tours(tuple(days), (), name), Roster((), tuple(outings), name))
