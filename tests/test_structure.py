"""The shape of the code, kept true by test: the import graph has no cycles, nothing imports
a layer above its own, and the use cases and the content engine never see the web framework.

Layers, bottom to top (a module may import its own layer and the ones below):
  base      app.config, app.errors, app.csv_cells, app.echo, app.models, app.guide,
            app.migrations
  data      app.db, app.db_status, app.sqlite_files, app.writer, app.batches, app.units
  services  app.services, app.demo
  web       app.web
  routes    app.routes
  entry     app.main, app.cli
"""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
LAYERS = {
    "app.config": 0, "app.errors": 0, "app.csv_cells": 0, "app.echo": 0, "app.models": 0,
    "app.guide": 0, "app.migrations": 0,
    "app.db": 1, "app.db_status": 1, "app.sqlite_files": 1, "app.writer": 1,
    "app.batches": 1, "app.units": 1,
    "app.services": 2, "app.demo": 2,
    "app.web": 3,
    "app.routes": 4,
    "app.main": 5, "app.cli": 5,
}
WEB_FRAMEWORKS = ("fastapi", "starlette")


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, at any depth of the file (lazy imports count too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


MODULES = {module_name(p): imports_of(p) for p in APP.rglob("*.py")
           if "migrations/versions" not in p.as_posix()}


def layer(name: str) -> int | None:
    for prefix, rank in sorted(LAYERS.items(), key=lambda item: -len(item[0])):
        if name == prefix or name.startswith(prefix + "."):
            return rank
    return None


def app_imports(name: str) -> set[str]:
    """The app modules `name` imports (a `from app.x import y` counts as app.x, or app.x.y
    when y is a module)."""
    return {target for target in MODULES[name] if target in MODULES}


def test_every_app_module_has_a_layer():
    assert [name for name in MODULES if name != "app" and layer(name) is None] == []


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n != "app"))
def test_nothing_imports_a_layer_above_its_own(name):
    upward = sorted(t for t in app_imports(name) if layer(t) > layer(name))
    assert upward == [], f"{name} (layer {layer(name)}) imports {upward}"


def test_use_cases_and_the_content_engine_never_see_the_web_framework():
    offenders = sorted(
        f"{name} imports {target}" for name, targets in MODULES.items()
        if layer(name) in (0, 2) for target in targets
        if target.split(".")[0] in WEB_FRAMEWORKS)
    assert offenders == []


def test_the_import_graph_has_no_cycles():
    graph = {name: {t for t in app_imports(name) if t != name} for name in MODULES}
    visiting, done, cycles = set(), set(), []

    def visit(node, path):
        if node in done:
            return
        if node in visiting:
            cycles.append(path[path.index(node):] + [node])
            return
        visiting.add(node)
        for target in sorted(graph[node]):
            visit(target, path + [target])
        visiting.discard(node)
        done.add(node)

    for name in sorted(graph):
        visit(name, [name])
    # A package's __init__ re-exporting its own submodules is not a cycle worth reporting.
    real = [c for c in cycles if not all(n.startswith(c[0].rsplit(".", 1)[0]) for n in c)]
    assert real == []


def test_only_the_web_edge_keeps_values_on_the_request():
    users = sorted(module_name(p) for p in APP.rglob("*.py") if "request.state" in p.read_text())
    assert users == ["app.web.middleware"]
