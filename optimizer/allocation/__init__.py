"""Budget allocation: the exact model over a menu of joint village options, the greedy baseline, routing.

Modules: ``instance`` (the option menu and its values, costs, outings),
``model`` (the exact model, one builder per constraint family), ``backends``
and ``mip`` (SCIP through the MIP translation, and CP-SAT), ``solve`` (one
allocation and its budget lines), ``explain`` (unmet targets in plain
words), ``evaluate`` (any allocation under the shared response model),
``marginal`` (value of more money or volunteers), ``routed`` (allocate and
route), ``greedy`` (the baseline), ``budget`` and ``capacity`` (lines and
volunteer capacity), ``reference`` (brute force for tests and benchmarks).
"""

from .backends import BACKENDS, DEFAULT_BACKEND
from .budget import fixed_lines, line, loudspeaker_days_estimate
from .capacity import outing_capacity_by_district, pair_outings_available
from .evaluate import AllocationValue, evaluate_allocation, infer_callbacks
from .greedy import greedy_allocation, trim_to_budget, with_routed_loudspeaker
from .instance import AllocationInstance, MenuSpec, build_instance, callback_outings
from .marginal import marginal_value
from .reference import brute_force_optimum, small_campaign
from .routed import RoutedAllocation, allocate_and_route, greedy_and_route
from .solve import AllocationResult, FixedLoudspeaker, Resolve, solve_allocation

__all__ = [
    "BACKENDS", "DEFAULT_BACKEND", "AllocationInstance", "AllocationResult", "AllocationValue", "FixedLoudspeaker",
    "MenuSpec", "Resolve", "RoutedAllocation", "allocate_and_route", "brute_force_optimum", "build_instance",
    "callback_outings", "evaluate_allocation", "fixed_lines", "greedy_allocation", "greedy_and_route",
    "infer_callbacks", "line", "loudspeaker_days_estimate", "marginal_value", "outing_capacity_by_district",
    "pair_outings_available", "small_campaign", "solve_allocation", "trim_to_budget", "with_routed_loudspeaker",
]
