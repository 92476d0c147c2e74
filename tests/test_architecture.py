"""The architecture, held: each package's __init__ names what it may import ("May import: ..."),
the packages form layers with no circle, only the CLI uses UI libraries and nothing imports it,
and `profilegen --help` does not load heavy modules. docs/architecture.md draws the layers."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "profilegen"
UI_MODULES = {"typer", "rich", "click"}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_only_cli_uses_ui_libraries_and_nothing_imports_cli():
    for path in PACKAGE.rglob("*.py"):
        if path.name == "__main__.py" or path.parent.name == "cli":
            continue
        mods = imports(path)
        rel = path.relative_to(PACKAGE)
        assert not {m.split(".")[0] for m in mods} & UI_MODULES, f"{rel} imports a UI library"
        assert "profilegen.cli" not in mods, f"{rel} imports the CLI layer"


def test_modules_stay_small():
    for path in PACKAGE.rglob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 400, f"{path.relative_to(PACKAGE)} has {lines} lines; split it"


def test_help_does_not_import_heavy_modules():
    code = (
        "import sys\n"
        "from profilegen.cli import app\n"
        "heavy = {'xmlschema', 'jinja2', 'pydantic', 'yaml', 'asn1crypto', 'profilegen.validate.pipeline', 'profilegen.generate.models', 'cryptography', 'profilegen.signing.verify'}\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """Every profilegen module and the profilegen modules it imports, lazy imports included."""
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges.update(a.name for a in node.names if a.name in paths)
            elif isinstance(node, ast.ImportFrom) and node.module in paths:
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    edges.add(sub if sub in paths else node.module)
        graph[name] = edges - {name}
    return graph


def test_no_import_circles():
    graph = _import_graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for dep in sorted(graph[name]):
            if state.get(dep) == 1:
                circle = stack[stack.index(dep):] + [dep]
                raise AssertionError("import circle: " + " -> ".join(circle))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


def _package_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and (PACKAGE / parts[1]).is_dir() else None


def declared_directions() -> dict[str, set[str]]:
    """Each package's "May import: a, b." line from its __init__ docstring."""
    allowed: dict[str, set[str]] = {}
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        found = re.search(r"^May import: (.+?)\.$", doc, re.MULTILINE | re.DOTALL)
        assert found, f"{init.relative_to(PACKAGE)}: its docstring must say 'May import: ...'"
        words = found.group(1)
        allowed[init.parent.name] = set() if words == "nothing" else {"*"} if words.startswith("everything") else {w.strip() for w in words.split(",")}
    return allowed


def test_every_module_sits_in_a_subject_package():
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in {"__init__.py", "__main__.py"})
    assert loose == [], f"modules outside a subject package: {loose}"


def test_packages_import_only_what_their_init_allows():
    allowed = declared_directions()
    problems = []
    for module, deps in _import_graph().items():
        pkg = _package_of(module)
        if pkg is None:
            continue
        for dep in sorted(deps):
            target = _package_of(dep)
            if target in (None, pkg) or "*" in allowed[pkg] or target in allowed[pkg]:
                continue
            problems.append(f"{module} imports {dep}, but {pkg}/__init__.py does not allow {target}")
    assert problems == []


def test_package_directions_are_layers():
    """The declared directions themselves have no circle (so no package can reach itself)."""
    allowed = {k: v for k, v in declared_directions().items() if "*" not in v}
    for pkg in allowed:
        seen, todo = set(), list(allowed[pkg])
        while todo:
            dep = todo.pop()
            assert dep != pkg, f"{pkg} can reach itself through its allowed imports"
            assert dep in allowed, f"{pkg} allows {dep}, which is not a package (or is the CLI)"
            if dep not in seen:
                seen.add(dep)
                todo.extend(allowed[dep])
