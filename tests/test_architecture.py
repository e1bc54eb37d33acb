"""The rules of the code's shape that import-linter (pyproject.toml, `lint-imports` in `make lint`)
cannot state, checked over the source as Zulip's lint rules are:

- no import cycle between two modules of the package, counting every import (at the top, inside a
  function; under TYPE_CHECKING too, but for the named exceptions below), and no module loaded by a
  name in a string, which would hide one;
- views, API endpoints and commands do not touch the ORM: they call services and selectors;
- an app reaches another app through its models, services and selectors, never its pages, forms,
  schemas, API or commands (STYLE.md, rule 6).
"""

import ast
from pathlib import Path
from typing import TypeGuard

import grimp

SOURCE = Path(__file__).resolve().parent.parent / "src" / "qixin"

# The modules that receive a request or a command line: they parse, call services and selectors, and
# answer. core.commands is the command line's kernel. An app's pages may be a package of modules.
ENTRY_POINT_NAMES = {"views.py", "public_views.py", "api.py", "cli.py"}
ENTRY_POINT_PACKAGES = {"views"}
ENTRY_POINT_FILES = {SOURCE / "core" / "commands.py"}

# Loading a module by a name in a string: allowed only for third-party libraries (the web server
# preloads the ones our modules import lazily).
IMPORT_BY_NAME_ALLOWED = {SOURCE / "wsgi.py"}

# The one import of another app's web layer left: the deed a deployment becomes is answered with
# brand's schema. Shrink this, never grow it.
CROSS_APP_WEB_IMPORTS_ALLOWED = {("qixin.mobilize.api", "qixin.brand.schemas")}
WEB_LAYER = {"views", "public_views", "forms", "schemas", "api", "cli", "urls"}

# Cycles closed only by an import under TYPE_CHECKING (for annotations; nothing is imported at run
# time). Shrink this, never grow it: the xlsx scanner takes tabular's upload Limits in its signatures.
TYPE_ONLY_CYCLES_ALLOWED = [["qixin.core.tabular", "qixin.core.xlsx_scan"]]


def _sources() -> list[Path]:
    return sorted(p for p in SOURCE.rglob("*.py") if "migrations" not in p.parts)


def _module_name(path: Path) -> str:
    parts = ("qixin", *path.relative_to(SOURCE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The groups of modules that import one another in a circle (strongly connected components of
    more than one module, or a module importing itself), by Tarjan's algorithm, iteratively."""
    imports = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []
    for root in sorted(imports):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            module, position = work.pop()
            if position == 0:
                index[module] = low[module] = len(index)
                stack.append(module)
                on_stack.add(module)
            targets = imports[module]
            if position < len(targets):
                work.append((module, position + 1))
                target = targets[position]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[module] = min(low[module], index[target])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1 or module in imports[module]:
                    cycles.append(sorted(group))
    return cycles


def test_no_two_modules_import_each_other_even_through_others():
    running = grimp.build_graph("qixin", cache_dir=None, exclude_type_checking_imports=True)
    assert len(running.modules) > 200  # the whole package was read
    assert import_cycles(running) == []
    annotated = grimp.build_graph("qixin", cache_dir=None)
    assert import_cycles(annotated) == TYPE_ONLY_CYCLES_ALLOWED


def test_a_cycle_through_a_third_module_is_found():
    graph = grimp.ImportGraph()
    for importer, imported in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("e", "e")]:
        graph.add_import(importer=importer, imported=imported)
    assert import_cycles(graph) == [["a", "b", "c"], ["e"]]


def _loads_by_name(node: ast.AST) -> TypeGuard[ast.Call]:
    if not isinstance(node, ast.Call):
        return False
    function = node.func
    if isinstance(function, ast.Name):
        return function.id in ("__import__", "import_module")
    return isinstance(function, ast.Attribute) and function.attr == "import_module"


def test_no_module_is_loaded_by_a_name_in_a_string():
    found = [
        f"{path.relative_to(SOURCE)}:{node.lineno}"
        for path in _sources()
        if path not in IMPORT_BY_NAME_ALLOWED
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if _loads_by_name(node)
    ]
    assert found == []


def test_views_api_and_commands_do_not_touch_the_orm():
    entry_points = [
        p
        for p in _sources()
        if p.name in ENTRY_POINT_NAMES or p.parent.name in ENTRY_POINT_PACKAGES or p in ENTRY_POINT_FILES
    ]
    assert len(entry_points) > 20  # every app's views and API were read
    found = [
        f"{path.relative_to(SOURCE)}:{node.lineno}"
        for path in entry_points
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager", "_base_manager")
    ]
    assert found == []


def test_an_app_reaches_another_only_through_its_models_services_and_selectors():
    graph = grimp.build_graph("qixin", cache_dir=None)
    found = set()
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            importer_parts, imported_parts = importer.split("."), imported.split(".")
            if len(importer_parts) < 3 or len(imported_parts) < 3:
                continue  # the entry points (qixin.urls, qixin.api, qixin.cli) mount the apps' pages
            if imported_parts[1] == "core":
                continue  # the kernel's bases for every app's pages and API (core.api, core.forms)
            if importer_parts[1] != imported_parts[1] and imported_parts[2] in WEB_LAYER:
                found.add((importer, imported))
    assert found == CROSS_APP_WEB_IMPORTS_ALLOWED
