"""The house stays changeable: short modules, short functions, no import cycles.

Limits come from DEVELOPERS.md: a module stays within 600 lines, a function
within 60 lines of code (its docstring, comments and blank lines not counted),
and the packages' imports form no cycle.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("outreach", "optimizer", "scenarios", "maps")
MAX_MODULE_LINES = 600
MAX_FUNCTION_LOC = 60


def _sources() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def _code_lines(source: str) -> set[int]:
    """Line numbers that hold code: not blank, not comment-only, not a docstring."""
    lines: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                        tokenize.ENDMARKER):
            continue
        lines.update(range(tok.start[0], tok.end[0] + 1))
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                    and isinstance(body[0].value.value, str):
                lines.difference_update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    return lines


def function_lengths(path: Path) -> list[tuple[str, int, int]]:
    """(qualified name, first line, lines of code) for every function in ``path``."""
    source = path.read_text(encoding="utf-8")
    code = _code_lines(source)
    out: list[tuple[str, int, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                span = range(child.lineno, (child.end_lineno or child.lineno) + 1)
                out.append((name, child.lineno, sum(1 for n in span if n in code)))
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
    visit(ast.parse(source), "")
    return out


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def import_graph() -> nx.DiGraph:
    """Module → module imports inside the project's packages (absolute and relative)."""
    modules = {_module_name(p): p for p in _sources()}
    g = nx.DiGraph()
    g.add_nodes_from(modules)
    for name, path in modules.items():
        is_pkg = path.name == "__init__.py"
        base = name.split(".") if is_pkg else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    anchor = base[: len(base) - (node.level - 1)]
                    mod = ".".join(anchor + ([node.module] if node.module else []))
                else:
                    mod = node.module or ""
                targets = [mod] + [f"{mod}.{a.name}" for a in node.names]
            for t in targets:
                # The deepest project module the import names (a name imported from a module is not a module).
                while t and t not in modules:
                    t = t.rpartition(".")[0]
                if t and t != name and not name.startswith(t + "."):
                    g.add_edge(name, t)
    return g


def test_modules_stay_short():
    long = [f"{p.relative_to(ROOT)}: {n} lines" for p in _sources()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert not long, long


def test_functions_stay_short():
    long = [f"{p.relative_to(ROOT)}:{line} {name}: {loc} lines of code"
            for p in _sources() for name, line, loc in function_lengths(p) if loc > MAX_FUNCTION_LOC]
    assert not long, "\n".join(long)


def test_no_import_cycles():
    cycles = [c for c in nx.simple_cycles(import_graph())]
    assert not cycles, cycles


def test_function_length_counts_code_only():
    # A hand-counted case: the checker must not count the docstring, comments or blank lines.
    src = 'def f(x):\n    """Doc\n    string."""\n    # why\n\n    y = (x +\n         1)\n    return y\n'
    p = ROOT / "tests" / "_tmp_fn_len.py"
    try:
        p.write_text(src, encoding="utf-8")
        assert function_lengths(p) == [("f", 1, 4)]
    finally:
        p.unlink()
