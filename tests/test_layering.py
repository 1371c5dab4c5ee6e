"""Dependencies point one way: outreach (but its CLI) imports none of optimizer, maps, scenarios."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OTHERS = {"optimizer", "maps", "scenarios"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module.split(".")[0])
    return out


def test_domain_imports_no_upper_layer():
    offenders = []
    for f in (ROOT / "outreach").rglob("*.py"):
        if "cli" in f.relative_to(ROOT / "outreach").parts:
            continue
        bad = _imports(f) & OTHERS
        if bad:
            offenders.append(f"{f.relative_to(ROOT)} imports {sorted(bad)}")
    assert not offenders, offenders


def test_model_imports_nothing_of_ours():
    assert not _imports(ROOT / "outreach" / "model.py") & (OTHERS | {"outreach"})


def test_optimizer_and_maps_never_import_cli():
    for pkg in ("optimizer", "maps", "scenarios"):
        for f in (ROOT / pkg).rglob("*.py"):
            src = f.read_text(encoding="utf-8")
            assert "outreach.cli" not in src, f
