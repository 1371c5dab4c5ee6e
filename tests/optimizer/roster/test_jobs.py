"""Rounds cut into outings."""

from __future__ import annotations

from optimizer.roster import chunk_visits


def test_chunk_visits_keeps_order_and_capacity():
    out = chunk_visits([("A", 50), ("B", 10), ("C", 30)], 35)
    assert out == [(("A", 35),), (("A", 15), ("B", 10), ("C", 10)), (("C", 20),)]
