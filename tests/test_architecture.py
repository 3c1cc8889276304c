"""The shape of the code: layers (import-linter contracts in pyproject.toml) and no import cycle.

`make test` runs `lint-imports` on the tree; these tests show the contracts can fail, and build
the module graph themselves for what import-linter does not check: cycles.
"""

import ast
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy_of_the_code(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "atlas", tmp_path / "atlas",
                    ignore=shutil.ignore_patterns("static", "locale", "data", "templates",
                                                  "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True,
                          text=True, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
                          timeout=120)


def test_a_wrong_way_import_breaks_the_layer_contract(tmp_path):
    tree = _copy_of_the_code(tmp_path)
    assert _lint(tree).returncode == 0, "the contracts hold on an untouched copy"
    records = tree / "atlas" / "core" / "records.py"
    records.write_text(records.read_text() + "\nfrom atlas.submissions import models  # planted\n")
    out = _lint(tree)
    assert out.returncode == 1
    assert "atlas.core.records -> atlas.submissions.models" in out.stdout
    assert "BROKEN" in out.stdout


def test_reference_data_importing_the_catalogue_breaks_its_contract(tmp_path):
    tree = _copy_of_the_code(tmp_path)
    countries = tree / "atlas" / "core" / "countries.py"
    countries.write_text(countries.read_text() + "\nimport atlas.catalogue.vocabularies\n")
    out = _lint(tree)
    assert out.returncode == 1 and "atlas.core.countries -> atlas.catalogue" in out.stdout


def _module_graph():
    """(imports at module level, imports inside functions): module -> modules of atlas."""
    modules = {}
    for path in (ROOT / "atlas").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path

    def targets(module, node, is_package):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                parts = module.split(".")[: None if is_package else -1]
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != module:
                yield name

    top, inner = defaultdict(set), defaultdict(set)
    for module, path in modules.items():
        tree = ast.parse(path.read_text("utf-8"))
        is_package = path.name == "__init__.py"
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                top[module].update(targets(module, node, is_package))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for sub in ast.walk(node):
                    if isinstance(sub, (ast.Import, ast.ImportFrom)):
                        inner[module].update(targets(module, sub, is_package))
    return top, inner


def _reaches(graph, start, goal) -> list | None:
    """A path of imports from start to goal, or None."""
    paths, seen = [[start]], {start}
    while paths:
        path = paths.pop()
        if path[-1] == goal:
            return path
        for nxt in graph[path[-1]] - seen:
            seen.add(nxt)
            paths.append([*path, nxt])
    return None


def test_no_module_level_import_cycle_inside_atlas():
    top, _inner = _module_graph()
    assert sum(len(v) for v in top.values()) > 300  # the graph was read
    cycles = [cycle for module in list(top) for nxt in top[module]
              if (cycle := _reaches(top, nxt, module))]
    assert cycles == []


def test_no_import_inside_a_function_only_dodges_a_cycle():
    """An import inside a function is there for a reason (Django not yet set up when the CLI
    or an AppConfig is imported, a heavy optional module), never to hide a cycle: at module
    level, none of them would close one."""
    top, inner = _module_graph()
    dodges = [(module, target, path) for module, targets in inner.items() for target in targets
              if target not in top[module] and (path := _reaches(top, target, module))]
    assert dodges == []


def test_the_cycle_check_finds_a_cycle_when_there_is_one():
    graph = defaultdict(set, {"a": {"b"}, "b": {"c"}, "c": {"a"}})
    assert _reaches(graph, "b", "a") == ["b", "c", "a"]
    graph["c"] = set()
    assert _reaches(graph, "b", "a") is None
