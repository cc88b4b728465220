"""The architecture, held by tests: imports follow the arrows in docs/architecture.md, and no circle forms.

The import graph is read from the source (AST), every import counted, including those inside functions:
a late import still ties two modules together. Migrations are left out (they import what they freeze).
"""

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "architecture.md"
PACKAGES = (
    "accounts",
    "audit",
    "casework",
    "common",
    "config",
    "enforcement",
    "governance",
    "marac",
    "notifications",
    "reports",
    "statutory",
    "triggers",
)


@cache
def app_modules() -> dict[str, tuple[ast.Module, bool]]:
    """Every module of app code by dotted name (packages by their own name): parsed, and whether a package."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = (ast.parse(path.read_text(), filename=str(path)), parts[-1] == "__init__")
    return modules


def _imported(module: str, tree: ast.Module, is_package: bool) -> set[str]:
    """The app modules `module` imports (`from x import y` counts y when y is a module, else x)."""
    known = app_modules()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            candidates = [[alias.name] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            candidates = [[f"{source}.{alias.name}", source] for alias in node.names]
        else:
            continue
        for options in candidates:
            for name in options:
                # the longest known module the name starts with: `casework.models.Case` is casework.models
                parts = name.split(".")
                while parts and ".".join(parts) not in known:
                    parts.pop()
                if parts:
                    found.add(".".join(parts))
                    break
    found.discard(module)
    return found


@cache
def import_graph() -> dict[str, set[str]]:
    modules = app_modules()
    return {name: _imported(name, tree, is_package) for name, (tree, is_package) in modules.items()}


def _package(module: str) -> str:
    return module.split(".")[0]


@cache
def allowed_arrows() -> dict[str, set[str]]:
    """The ```arrows block of docs/architecture.md: `from -> to, to` per line; `from` is a package or a module."""
    block = re.search(r"```arrows\n(.*?)```", DOCS.read_text(), re.S)
    assert block, "docs/architecture.md has no ```arrows block"
    arrows = {}
    for line in block.group(1).splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        source, _, targets = line.partition("->")
        arrows[source.strip()] = {t.strip() for t in targets.split(",") if t.strip()}
    return arrows


def _allowed(module: str, target_package: str) -> bool:
    arrows = allowed_arrows()
    parts = module.split(".")
    return any(target_package in arrows.get(".".join(parts[:i]), ()) for i in range(len(parts), 0, -1))


def test_every_app_package_is_in_the_arrows():
    assert set(PACKAGES) <= set(allowed_arrows()), "add the package to docs/architecture.md's arrows block"


def test_every_import_between_packages_follows_an_arrow_in_the_docs():
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for target in targets
        if _package(target) != _package(module) and not _allowed(module, _package(target))
    )
    assert not wrong, "imports against docs/architecture.md's arrows:\n" + "\n".join(wrong)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan, iterative)."""
    index, low, on_stack, stack, components, counter = {}, {}, set(), [], [], [0]

    def visit(start):
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_the_arrows_between_packages_form_no_circle():
    """Package rules only: a module-level exception (`casework.api -> accounts`) is the documented way round."""
    graph = {source: targets for source, targets in allowed_arrows().items() if "." not in source}
    assert not _cycles(graph), f"docs/architecture.md's arrows go round in a circle: {_cycles(graph)}"


def test_no_module_of_one_package_is_in_an_import_circle_with_another_package():
    graph = import_graph()
    crossing = [component for component in _cycles(graph) if len({_package(m) for m in component}) > 1]
    assert not crossing, f"import circles across packages: {crossing}"


def test_the_checker_sees_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


ACCESS_PATH = ("casework.access", "common.permissions")


def test_only_the_access_path_calls_has_perm():
    """Every "who may" goes through casework.access (model permissions: common.permissions, for apps below
    casework); a raw `user.has_perm(...)` anywhere else is a second answer that can drift from the first."""
    calls = sorted(
        f"{module}:{node.lineno}"
        for module, (tree, _) in app_modules().items()
        if not module.startswith(ACCESS_PATH)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"has_perm", "has_perms", "has_module_perms"}
    )
    assert not calls, "call casework.access.has_permission / require instead of has_perm:\n" + "\n".join(calls)
