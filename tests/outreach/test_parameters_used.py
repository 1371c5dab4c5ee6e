"""Every documented parameter is read by production code, or it is deleted (issue 14).

A key counts as read when production code (``outreach/``, ``optimizer/``,
``scenarios/``, ``maps/``; not ``outreach/parameters.py`` itself) holds it as a
string literal that is code, not a docstring (comments are not in the syntax
tree at all). Keys built at run time are declared in :data:`DYNAMIC`: each
template must be formatted by an f-string in production code, and every
f-string there that looks like a parameter key must be declared, so a family
can neither hide an unread key nor go stale.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from outreach import acoustics
from outreach.errors import ScenarioError
from outreach.parameters import DEFAULTS, resolve
from outreach.scenario import load_campaign
from tests.conftest import ROOT, write_scenario

PRODUCTION = ("outreach", "optimizer", "scenarios", "maps")
REGISTRY = ROOT / "outreach" / "parameters.py"
SECTIONS = frozenset(k.split(".", 1)[0] for k in DEFAULTS)

#: Keys built at run time: f-string template (each placeholder written ``{}``)
#: mapped to the values its one placeholder takes in the code that formats it.
DYNAMIC: dict[str, tuple[str, ...]] = {
    "loudspeaker.ambient_{}_dba": acoustics.SETTINGS,  # acoustics.ambient_dba: {k: params[f"..."] for k in SETTINGS}
}

#: Deleted in issue 14 because no code read them; a scenario that still sets one is refused.
DELETED = (
    "loudspeaker.snr_audible_db",
    "loudspeaker.transit_speed_kmh",
    "canvass.min_not_home",
    "canvass.min_contact",
    "canvass.household_spillover",
    "travel.walk_kmh",
    "household.growth_2008_2012",
    "door.woman_answers_share",  # the seed's 59.6 % women at the door: now an output of outreach.athome
)


def _docstrings_and_fstring_parts(tree: ast.AST) -> set[int]:
    """Ids of constants that are not key literals: bare string statements and the fixed parts of f-strings."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skip.add(id(node.value))
        elif isinstance(node, ast.JoinedStr):
            skip |= {id(v) for v in node.values}
    return skip


def scan(source: str) -> tuple[set[str], set[str]]:
    """String literals used as code, and f-string templates (placeholders as ``{}``), of one module."""
    tree = ast.parse(source)
    skip = _docstrings_and_fstring_parts(tree)
    literals: set[str] = set()
    templates: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            literals.add(node.value)
        elif isinstance(node, ast.JoinedStr):
            templates.add("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values))
    return literals, templates


def production_files() -> list[Path]:
    files = [f for pkg in PRODUCTION for f in sorted((ROOT / pkg).rglob("*.py"))]
    return [f for f in files if f.resolve() != REGISTRY.resolve()]


@pytest.fixture(scope="module")
def production() -> tuple[set[str], dict[str, list[str]]]:
    """All key literals in production code, and each f-string template with the files that format it."""
    literals: set[str] = set()
    templates: dict[str, list[str]] = {}
    for f in production_files():
        lits, temps = scan(f.read_text(encoding="utf-8"))
        literals |= lits
        for t in temps:
            templates.setdefault(t, []).append(str(f.relative_to(ROOT)))
    return literals, templates


def _looks_like_key(template: str) -> bool:
    section, dot, rest = template.partition(".")
    return bool(dot) and section in SECTIONS and " " not in template and rest != ""


def test_scanner_counts_code_not_prose():
    """A key only named in a docstring, a comment or a message does not count as read."""
    src = (
        '"""Module docstring naming canvass.min_contact."""\n'
        "def f(p, k):\n"
        '    """Uses travel.walk_kmh."""  # and forum.women_share\n'
        '    msg = f"travel.walk_kmh is {p}"\n'
        '    return p["awareness.p_door"] + p[f"loudspeaker.ambient_{k}_dba"]\n'
    )
    literals, templates = scan(src)
    assert literals == {"awareness.p_door"}
    assert templates == {"travel.walk_kmh is {}", "loudspeaker.ambient_{}_dba"}


def test_every_parameter_is_read(production):
    literals, _ = production
    read = set(literals)
    for template, values in DYNAMIC.items():
        read |= {template.format(v) for v in values}
    unread = sorted(set(DEFAULTS) - read)
    assert not unread, (
        f"{len(unread)} documented parameter(s) read by no production code: {', '.join(unread)}. "
        "Wire each where the code models that quantity, or delete it from outreach/parameters.py."
    )


@pytest.mark.parametrize("template", sorted(DYNAMIC))
def test_dynamic_family_is_formatted_in_code(production, template):
    _, templates = production
    assert template in templates, f"no production f-string formats {template!r}; the family is stale"
    keys = {template.format(v) for v in DYNAMIC[template]}
    assert keys <= set(DEFAULTS), f"{sorted(keys - set(DEFAULTS))} not in the registry"


def test_every_dynamic_key_is_declared(production):
    """An undeclared f-string key family would make its keys look unread (or hide a typo)."""
    _, templates = production
    undeclared = {t: files for t, files in templates.items() if _looks_like_key(t) and t not in DYNAMIC}
    assert not undeclared, f"declare these parameter key templates in DYNAMIC: {undeclared}"


@pytest.mark.parametrize("key", DELETED)
def test_deleted_key_is_refused(key):
    assert key not in DEFAULTS
    with pytest.raises(ScenarioError, match=f"unknown parameter '{key}'") as e:
        resolve({key: 1.0}, file="scenario.toml")
    assert e.value.field == f"parameters.{key}"


# --------------------------------------------------------------- loudspeaker.passes_per_sangkat
def _demo(tmp_path: Path, targets: str, parameters: str = "") -> Path:
    text = (ROOT / "scenarios" / "demo.toml").read_text(encoding="utf-8")
    text = text.replace("loudspeaker_passes_per_sangkat = 2\n", targets)
    return write_scenario(tmp_path / "s", text + (f"\n[parameters]\n{parameters}\n" if parameters else ""))


def test_passes_default_comes_from_the_parameter(tmp_path):
    assert DEFAULTS["loudspeaker.passes_per_sangkat"].value == 2
    assert load_campaign(_demo(tmp_path, "")).targets.loudspeaker_passes_per_sangkat == 2


def test_passes_parameter_override_sets_the_target(tmp_path):
    p = _demo(tmp_path, "", '"loudspeaker.passes_per_sangkat" = 3')
    assert load_campaign(p).targets.loudspeaker_passes_per_sangkat == 3


def test_passes_target_wins_only_when_it_agrees(tmp_path):
    p = _demo(tmp_path, "loudspeaker_passes_per_sangkat = 4\n")
    assert load_campaign(p).targets.loudspeaker_passes_per_sangkat == 4
    p = _demo(tmp_path, "loudspeaker_passes_per_sangkat = 3\n", '"loudspeaker.passes_per_sangkat" = 3')
    assert load_campaign(p).targets.loudspeaker_passes_per_sangkat == 3
    p = _demo(tmp_path, "loudspeaker_passes_per_sangkat = 4\n", '"loudspeaker.passes_per_sangkat" = 3')
    with pytest.raises(ScenarioError, match="give one"):
        load_campaign(p)


@pytest.mark.parametrize("bad, match", [('"loudspeaker.passes_per_sangkat" = 2.5', "whole number"),
                                        ('"loudspeaker.passes_per_sangkat" = 11', "outside the documented range")])
def test_passes_parameter_refuses_bad_values(tmp_path, bad, match):
    with pytest.raises(ScenarioError, match=match):
        load_campaign(_demo(tmp_path, "", bad))
