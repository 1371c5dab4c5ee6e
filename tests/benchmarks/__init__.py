"""Tests of the benchmark scripts, and how they load them."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.conftest import ROOT


def load_benchmark(script: str) -> ModuleType:
    """``benchmarks/<script>.py`` as a module (the benchmarks folder is scripts, not a package)."""
    name = f"{script}_benchmark"
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{script}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module
