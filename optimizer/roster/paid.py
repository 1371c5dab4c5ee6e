"""Keep the roster within the volunteer outings the budget pays for.

Why: the allocation pays the volunteers' per diem for a number of
pair-outings (its ``volunteer_outing`` budget line), counted village by
village (every round's households, and the callbacks it chose). The roster
packs a pair's villages into outings more tightly and fills the free
outings of its calendar with callbacks, so its schedule can hold more
outings than the budget pays: a per diem nobody budgeted. Those surplus
outings are callbacks (rounds are what the budget counted first); the
latest are taken out. A callback always comes at least a day after the
outing of the level before it (:mod:`.schedule`), so taking the latest
first never leaves a callback whose previous level is gone.
"""

from __future__ import annotations

from collections.abc import Sequence

from outreach.model import SLOTS, Allocation, Campaign, Outing


def paid_pair_outings(campaign: Campaign, allocation: Allocation) -> int | None:
    """Pair-outings the allocation's budget pays for; None when it has no volunteer-outing line.

    Parameters
    ----------
    campaign : Campaign
        ``canvass.team_size`` (volunteers per outing).
    allocation : Allocation
        Its ``volunteer_outing`` budget line counts volunteer-outings.

    Returns
    -------
    int or None
        None for an allocation without that line (one made by hand): nothing to hold the roster to.
    """
    lines = [b for b in allocation.budget_lines if b.key == "volunteer_outing"]
    if not lines:
        return None
    team = int(campaign.params["canvass.team_size"])
    return int(sum(b.quantity for b in lines) // team)


def within_paid(outings: Sequence[Outing], paid: int | None) -> tuple[tuple[Outing, ...], tuple[Outing, ...]]:
    """The outings the budget pays for, and the callback outings left out (latest first).

    Parameters
    ----------
    outings : sequence of Outing
        Every pair's outings.
    paid : int or None
        Pair-outings paid (:func:`paid_pair_outings`); None keeps them all.

    Returns
    -------
    (kept, dropped)
        ``kept`` in the order given; ``dropped`` at most the surplus, only callbacks.
    """
    surplus = len(outings) - paid if paid is not None else 0
    if surplus <= 0:
        return tuple(outings), ()
    latest_first = sorted((i for i, o in enumerate(outings) if o.kind == "callback"),
                          key=lambda i: (outings[i].date, SLOTS.index(outings[i].slot), outings[i].pair_id),
                          reverse=True)
    gone = set(latest_first[:surplus])
    return (tuple(o for i, o in enumerate(outings) if i not in gone),
            tuple(outings[i] for i in latest_first[:surplus]))


def unpaid_note(dropped: Sequence[Outing], paid: int, scheduled: int) -> str:
    """What was left out, and why (for the roster's notes)."""
    hh = sum(o.households for o in dropped)
    who = ", ".join(f"{o.pair_id} {o.date.isoformat()} {o.slot}" for o in sorted(
        dropped, key=lambda o: (o.date, SLOTS.index(o.slot), o.pair_id)))
    still = scheduled - len(dropped) - paid
    over = (f"; the round outings alone still need {still} more than the budget pays" if still > 0 else "")
    n = len(dropped)
    what = "the latest callback outing" if n == 1 else f"the {n} latest callback outings"
    return (f"The budget pays for {paid} pair-outings and the pairs' calendars held {scheduled}: {what} "
            f"({hh} households: {who}) {'is' if n == 1 else 'are'} left out of the schedule, after any hand-over "
            f"above{over}.")
