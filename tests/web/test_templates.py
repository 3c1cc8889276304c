"""Template source stays readable in a review: no line over 160 characters (issue 12 point 10)."""

from pathlib import Path

import atlas

MAX_LINE = 160
ATLAS = Path(atlas.__file__).parent


def templates() -> list[Path]:
    return sorted(ATLAS.glob("**/templates/**/*.html"))


def test_templates_are_found():
    assert len(templates()) > 30  # a moved template folder would make the other test pass vacuously


def test_no_template_line_is_longer_than_160_characters():
    long_lines = [f"{path.relative_to(ATLAS.parent)}:{number}: {len(line)} characters"
                  for path in templates()
                  for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
                  if len(line) > MAX_LINE]
    assert long_lines == []
