"""Dependencies point one way (README "Layout").

``outreach`` (the domain, but for its CLI) imports none of the other
packages; ``optimizer`` and ``maps`` build on ``outreach`` only;
``scenarios`` runs the pipeline over all three; only ``outreach.cli`` talks
to the terminal, and nothing imports it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = {"outreach", "optimizer", "maps", "scenarios"}
#: What each layer may import of the project's packages.
ALLOWED = {
    "outreach": {"outreach"},
    "optimizer": {"outreach", "optimizer"},
    "maps": {"outreach", "maps"},
    "scenarios": {"outreach", "optimizer", "maps", "scenarios"},
}


def _imports(path: Path) -> set[str]:
    """Full dotted names of the absolute imports in ``path`` (relative ones stay inside the package)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module)
    return out


def _layer_files(layer: str) -> list[Path]:
    files = sorted((ROOT / layer).rglob("*.py"))
    if layer == "outreach":
        files = [f for f in files if "cli" not in f.relative_to(ROOT / "outreach").parts]
    return files


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_what_is_below(layer):
    offenders = []
    for f in _layer_files(layer):
        names = _imports(f)
        bad = {n.split(".")[0] for n in names} & PROJECT - ALLOWED[layer]
        if bad:
            offenders.append(f"{f.relative_to(ROOT)} imports {sorted(bad)}")
        if any(n == "outreach.cli" or n.startswith("outreach.cli.") for n in names):
            offenders.append(f"{f.relative_to(ROOT)} imports the CLI")
    assert not offenders, offenders


def test_model_imports_nothing_of_ours():
    assert not {n.split(".")[0] for n in _imports(ROOT / "outreach" / "model.py")} & PROJECT


def test_the_check_sees_a_violation(tmp_path):
    # The test must be able to fail: a domain module importing the optimizer is caught.
    bad = tmp_path / "bad.py"
    bad.write_text("from optimizer.routing import plan_tours\nimport scenarios\n", encoding="utf-8")
    assert {n.split(".")[0] for n in _imports(bad)} & PROJECT - ALLOWED["outreach"] == {"optimizer", "scenarios"}
