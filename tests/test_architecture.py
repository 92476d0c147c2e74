"""The architecture, held: each package's __init__ names what it may import ("May import: ..."),
the packages form layers with no circle, only the CLI uses UI libraries and nothing imports it,
and `profilegen --help` does not load heavy modules. docs/architecture.md draws the layers."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "profilegen"
UI_MODULES = {"typer", "rich", "click"}


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute name an ImportFrom names: ``from ..cli import app`` in profilegen.core.text
    is profilegen.cli (a planted violation written relatively must not slip through)."""
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imported_names(path: Path, root: Path = PACKAGE) -> set[str]:
    """Every absolute module name ``path`` imports (lazy imports included); for ``from X import
    Y`` both X and X.Y, since Y may be a module."""
    module, package = _module_name(path, root), path.name == "__init__.py"
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, package)
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)
    return names


def imports(path: Path) -> set[str]:
    return imported_names(path)


def test_only_cli_uses_ui_libraries_and_nothing_imports_cli():
    for path in PACKAGE.rglob("*.py"):
        if path.name == "__main__.py" or path.parent.name == "cli":
            continue
        assert cli_problems(path) == []


def cli_problems(path: Path, root: Path = PACKAGE) -> list[str]:
    mods = imported_names(path, root)
    rel = path.relative_to(root)
    out = [f"{rel} imports a UI library" for m in sorted(mods) if m.split(".")[0] in UI_MODULES][:1]
    out += [f"{rel} imports the CLI layer ({m})" for m in sorted(mods) if m == f"{root.name}.cli" or m.startswith(f"{root.name}.cli.")][:1]
    return out


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


# What `profilegen CMD --help` may load: the heavy libraries and the pipelines stay unloaded
# until a command runs (docs/performance.md). Each command runs in a fork of one interpreter.
HELP_COMMANDS = [["--help"], ["validate", "--help"], ["generate", "--help"], ["verify", "--help"], ["diff", "--help"],
                 ["variants", "--help"], ["jamf", "push", "--help"], ["ropg-check", "--help"], ["signins", "--help"]]
HEAVY = ["asn1crypto", "cryptography", "jinja2", "pydantic", "rich", "xmlschema", "yaml", "profilegen.validate.pipeline",
         "profilegen.generate.models", "profilegen.signing.verify", "profilegen.profile.read"]


def test_help_of_each_command_loads_no_heavy_module():
    code = f"""
import io, json, os, sys
results = {{}}
for argv in {HELP_COMMANDS!r}:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        sys.argv = ["profilegen", *argv]
        out = os.open(os.devnull, os.O_WRONLY)
        os.dup2(out, 1)
        status = 0
        try:
            from profilegen.cli import main
            main()
        except SystemExit as exc:
            status = exc.code or 0
        loaded = sorted(m for m in {HEAVY!r} if m in sys.modules)
        os.write(w, json.dumps([status, loaded]).encode())
        os._exit(0)
    os.close(w)
    data = b""
    while chunk := os.read(r, 65536):
        data += chunk
    os.waitpid(pid, 0)
    results[" ".join(argv)] = json.loads(data)
print(json.dumps(results))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent, timeout=120)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert results == {" ".join(a): [0, []] for a in HELP_COMMANDS}


def _module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Every profilegen module and the profilegen modules it imports, lazy and relative imports
    included."""
    paths = {_module_name(p, root): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges.update(a.name for a in node.names if a.name in paths)
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(node, name, path.name == "__init__.py")
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    edges.update([sub] if sub in paths else [base] if base in paths else [])
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


def _package_of(module: str, root: Path = PACKAGE) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and (root / parts[1]).is_dir() else None


def declared_directions(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Each package's "May import: a, b." line from its __init__ docstring."""
    allowed: dict[str, set[str]] = {}
    for init in sorted(root.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        found = re.search(r"^May import: (.+?)\.$", doc, re.MULTILINE | re.DOTALL)
        assert found, f"{init.relative_to(root)}: its docstring must say 'May import: ...'"
        words = found.group(1)
        allowed[init.parent.name] = set() if words == "nothing" else {"*"} if words.startswith("everything") else {w.strip() for w in words.split(",")}
    return allowed


def test_every_module_sits_in_a_subject_package():
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in {"__init__.py", "__main__.py"})
    assert loose == [], f"modules outside a subject package: {loose}"


def direction_problems(root: Path = PACKAGE) -> list[str]:
    allowed = declared_directions(root)
    problems = []
    for module, deps in sorted(_import_graph(root).items()):
        pkg = _package_of(module, root)
        if pkg is None:
            continue
        for dep in sorted(deps):
            target = _package_of(dep, root)
            if target in (None, pkg) or "*" in allowed[pkg] or target in allowed[pkg]:
                continue
            problems.append(f"{module} imports {dep}, but {pkg}/__init__.py does not allow {target}")
    return problems


def test_packages_import_only_what_their_init_allows():
    assert direction_problems() == []


def test_the_checks_catch_planted_violations(tmp_path: Path) -> None:
    """The violations issue 23 planted, in a small tree of the same shape: core importing the CLI
    (relatively, and lazily inside a function), a lower package importing a higher one."""
    root = tmp_path / "profilegen"
    files = {
        "__init__.py": "",
        "core/__init__.py": '"""Core.\n\nMay import: nothing.\n"""\n',
        "core/text.py": "from ..cli import app\n",
        "core/lazy.py": "def f():\n    from profilegen.cli.app import main\n    return main\n",
        "core/fine.py": "from . import text\nfrom .text import app\n",
        "generate/__init__.py": '"""Generate.\n\nMay import: core.\n"""\n',
        "generate/models.py": "import profilegen.validate.pipeline\nfrom profilegen.core import fine\n",
        "validate/__init__.py": '"""Validate.\n\nMay import: core, generate.\n"""\n',
        "validate/pipeline.py": "",
        "cli/__init__.py": '"""CLI.\n\nMay import: everything; nothing imports the CLI.\n"""\n',
        "cli/app.py": "from profilegen.validate import pipeline\nmain = app = None\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    assert cli_problems(root / "core" / "text.py", root) == ["core/text.py imports the CLI layer (profilegen.cli)"]
    assert cli_problems(root / "core" / "lazy.py", root) == ["core/lazy.py imports the CLI layer (profilegen.cli.app)"]
    assert cli_problems(root / "core" / "fine.py", root) == []
    assert direction_problems(root) == [
        "profilegen.core.lazy imports profilegen.cli.app, but core/__init__.py does not allow cli",
        "profilegen.core.text imports profilegen.cli.app, but core/__init__.py does not allow cli",
        "profilegen.generate.models imports profilegen.validate.pipeline, but generate/__init__.py does not allow validate",
    ]
    assert _import_graph(root)["profilegen.core.fine"] == {"profilegen.core.text"}


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
