"""The round-robin baseline roster."""

from __future__ import annotations

from optimizer.roster import round_robin_roster


def test_round_robin_baseline_still_works(campaign, small_alloc):
    r = round_robin_roster(campaign, small_alloc)
    assert r.strategy == "round-robin" and r.outings
