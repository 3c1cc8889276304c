"""Stylesheets use logical properties, so Arabic pages (dir="rtl") mirror without a second file."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Third-party files keep their own rules (Leaflet's map controls may stay left-to-right).
VENDOR = "/vendor/"

PHYSICAL = [
    (re.compile(r"(?<![\w-])(margin|padding|border|scroll-margin|scroll-padding)-(left|right)\b"),
     "use margin-inline-start/-end (and padding-, border-)"),
    (re.compile(r"(?<![\w-])(left|right)\s*:"), "use inset-inline-start/-end"),
    (re.compile(r"(?<![\w-])(text-align|float|clear)\s*:\s*(left|right)\b"), "use start/end"),
    (re.compile(r"(?<![\w-])border-(top|bottom)-(left|right)-radius\b"),
     "use border-start-start-radius and friends"),
]
# margin/padding with four values whose second and fourth (right and left) differ.
_V = r"([^;\s}]+)"
FOUR_VALUES = re.compile(r"(?<![\w-])(margin|padding)\s*:\s*" + r"\s+".join([_V] * 4) + r"\s*[;}]")


def stylesheets():
    return sorted(p for p in (ROOT / "atlas").glob("**/static/**/*.css") if VENDOR not in str(p))


def physical_properties(css: str) -> list[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found = []
    for pattern, advice in PHYSICAL:
        found += [f"{m.group(0)!r}: {advice}" for m in pattern.finditer(css)]
    for m in FOUR_VALUES.finditer(css):
        if m.group(3) != m.group(5):
            found.append(f"{m.group(0)!r}: left and right differ; use -inline-start/-end")
    return found


def test_no_stylesheet_uses_left_or_right():
    found = {str(p.relative_to(ROOT)): physical_properties(p.read_text(encoding="utf-8"))
             for p in stylesheets()}
    assert {path: f for path, f in found.items() if f} == {}


def test_the_stylesheets_checked_include_the_atlas_stylesheet():
    assert ROOT / "atlas/web/static/atlas/css/atlas.css" in stylesheets()


@pytest.mark.parametrize("css", [
    ".a { margin-left: 1rem }", ".a { padding-right: 0 }", ".a { left: 0 }",
    ".a { text-align: right; }", ".a { float: left }", ".a { border-right: 1px solid }",
    ".a { margin: 0 1rem 0 2rem }", ".a { border-top-left-radius: 2px }",
])
def test_checker_finds_physical_properties(css):
    assert physical_properties(css)


@pytest.mark.parametrize("css", [
    ".a { margin-inline-start: 1rem }", ".a { inset-inline-end: 0 }", ".a { text-align: start }",
    ".a { margin: 0 1rem 0 1rem }", ".a { padding: .5rem 1rem }", "/* left: 0 */ .a { top: 0 }",
    ".a { border-inline-start: 4px solid }", ".a { inset-block-start: 0 }",
])
def test_checker_accepts_logical_properties(css):
    assert physical_properties(css) == []
