"""Routing engines behind :func:`optimizer.vrp.solve` (same call, swappable)."""
