"""Mutation testing for profilegen's core modules: plant one small bug at a time, run the tests
that should notice, and report by module how many bugs they caught (issue 23).

    nice -n 19 .venv/bin/python tools/mutate.py                 # every group in tools/mutate_map.toml
    nice -n 19 .venv/bin/python tools/mutate.py writer scrub    # some groups
    .venv/bin/python tools/mutate.py --list writer               # the mutants, without running them
    nice -n 19 .venv/bin/python tools/mutate.py writer --json out.json
    nice -n 19 .venv/bin/python tools/mutate.py writer --rerun out.json   # only last run's survivors

It is a tool, not a test: it is slow (one test run per mutant), so .ci/run does not run it.
docs/testing.md has the before/after numbers and how to read the report.

Decisions:
- Our own small runner, not mutmut or cosmic-ray: it needs no network or database, and it can
  use what this project knows (Severity values, the test selection per module).
- A mutant is never written to disk. The child process that runs the tests gets an import hook
  (a sys.meta_path finder) that compiles the mutated syntax tree in place of the module's file,
  so a run killed at any moment leaves the tree untouched. PROFILEGEN_MUTANT carries the mutant
  to subprocesses a test starts (tools/mutate_site/sitecustomize.py installs the same hook).
- The parent imports pytest and the heavy third-party packages once, then forks one child per
  mutant; the child imports profilegen itself, so the mutated module is what every importer sees.
  One child at a time: the machine this runs on is shared, and the tests themselves start
  workers and servers.
- Tests per module come from tools/mutate_map.toml, fastest and most direct first; pytest stops
  at the first failure (-x), so a killed mutant costs little.
- Operators (each at one place): flip a comparison, `and`<->`or`, drop one operand of and/or,
  drop a `not`, swap a Severity, an integer constant +1/-1, True<->False, skip a statement
  (call, yield, raise, continue, break, augmented assignment, attribute or item assignment),
  `return X` -> `return None`. Docstrings, imports, annotations and `if TYPE_CHECKING` blocks
  are never mutated.
- A mutant is known by its file, the text of its line, the operator and its occurrence among
  lines of that text, not by line number, so tools/mutate_equivalent.txt survives edits elsewhere in a file.
- Outcomes: killed (a test failed), timeout (counted as killed: the bug made the tests hang),
  survived, equivalent (listed in mutate_equivalent.txt: no observable change, excluded from the
  rate), error (the unmutated selection is not green: the group is not measured).
"""

from __future__ import annotations

import argparse
import ast
import copy
import fnmatch
import json
import os
import random
import signal
import sys
import time
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAP = ROOT / "tools" / "mutate_map.toml"
EQUIVALENT = ROOT / "tools" / "mutate_equivalent.txt"
SITE = ROOT / "tools" / "mutate_site"
ENV = "PROFILEGEN_MUTANT"

SEVERITIES = ("ERROR", "WARNING", "INFO")
FLIPS: dict[type, list[type]] = {
    ast.Lt: [ast.LtE],
    ast.LtE: [ast.Lt],
    ast.Gt: [ast.GtE],
    ast.GtE: [ast.Gt],
    ast.Eq: [ast.NotEq],
    ast.NotEq: [ast.Eq],
    ast.In: [ast.NotIn],
    ast.NotIn: [ast.In],
    ast.Is: [ast.IsNot],
    ast.IsNot: [ast.Is],
}
SYMBOL = {
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
    ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.And: "and", ast.Or: "or",
}
SKIPPABLE = (ast.Expr, ast.Raise, ast.Continue, ast.Break, ast.AugAssign)


@dataclass(frozen=True)
class Site:
    """One mutant: where it is and what it does. ``index`` is its place in the enumeration of
    the file's current text; ``key`` identifies it across edits elsewhere in the file."""

    path: str  # relative to ROOT
    index: int
    line: int
    text: str  # the stripped source line
    op: str  # what the mutant does, e.g. "`<` -> `<=`"
    nth: int  # occurrence of this op on a line of this text in the file

    @property
    def key(self) -> str:
        return f"{self.path} | {self.text} | {self.op} | {self.nth}"


# ---- finding the places --------------------------------------------------------------------

def _protected(tree: ast.Module) -> set[int]:
    """ids of nodes that are never mutated: docstrings, imports, annotations, TYPE_CHECKING."""
    out: set[int] = set()

    def mark(node: ast.AST) -> None:
        out.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body:
            first = body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                mark(first)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            mark(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.returns:
                mark(node.returns)
            for arg in ast.walk(node.args):
                if isinstance(arg, ast.arg) and arg.annotation:
                    mark(arg.annotation)
        if isinstance(node, ast.AnnAssign):
            mark(node.annotation)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            mark(node)
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            mark(node)
    return out


def _edits(tree: ast.Module) -> list[tuple[ast.AST, str, int | None, object, str, int]]:
    """Every possible edit, in a fixed order: (parent, field, index or None, new value,
    description, line)."""
    protected = _protected(tree)
    edits: list[tuple[ast.AST, str, int | None, object, str, int]] = []

    def add(parent: ast.AST, field: str, index: int | None, new: object, what: str, line: int) -> None:
        edits.append((parent, field, index, new, what, line))

    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            children = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
            for index, child in children:
                if not isinstance(child, ast.AST) or id(child) in protected:
                    continue
                line = getattr(child, "lineno", getattr(parent, "lineno", 0))
                # comparisons
                if isinstance(child, ast.Compare):
                    for i, op in enumerate(child.ops):
                        for new_op in FLIPS.get(type(op), []):
                            new = copy.copy(child)
                            new.ops = [*child.ops[:i], new_op(), *child.ops[i + 1:]]
                            add(parent, field, index, new, f"`{SYMBOL[type(op)]}` -> `{SYMBOL[new_op]}`", line)
                # and / or
                if isinstance(child, ast.BoolOp):
                    other = ast.Or if isinstance(child.op, ast.And) else ast.And
                    add(parent, field, index, ast.BoolOp(op=other(), values=child.values),
                        f"`{SYMBOL[type(child.op)]}` -> `{SYMBOL[other]}`", line)
                    for i in range(len(child.values)):
                        rest = child.values[:i] + child.values[i + 1:]
                        new = rest[0] if len(rest) == 1 else ast.BoolOp(op=child.op, values=rest)
                        add(parent, field, index, new, f"drop `{ast.unparse(child.values[i])[:60]}`", line)
                if isinstance(child, ast.UnaryOp) and isinstance(child.op, ast.Not):
                    add(parent, field, index, child.operand, "drop `not`", line)
                # Severity.X
                if (isinstance(child, ast.Attribute) and isinstance(child.value, ast.Name)
                        and child.value.id == "Severity" and child.attr in SEVERITIES):
                    for other_sev in SEVERITIES:
                        if other_sev != child.attr:
                            add(parent, field, index, ast.Attribute(value=child.value, attr=other_sev, ctx=child.ctx),
                                f"Severity.{child.attr} -> Severity.{other_sev}", line)
                # constants
                if isinstance(child, ast.Constant):
                    v = child.value
                    if isinstance(v, bool):
                        add(parent, field, index, ast.Constant(not v), f"{v} -> {not v}", line)
                    elif isinstance(v, int):
                        for new_v in (v + 1, v - 1):
                            add(parent, field, index, ast.Constant(new_v), f"{v} -> {new_v}", line)
                # statements
                if isinstance(value, list) and isinstance(child, ast.stmt):
                    skippable = isinstance(child, SKIPPABLE) or (
                        isinstance(child, ast.Assign) and all(isinstance(t, (ast.Attribute, ast.Subscript)) for t in child.targets))
                    if skippable:
                        add(parent, field, index, ast.Pass(), f"skip `{ast.unparse(child).splitlines()[0][:60]}`", line)
                    if isinstance(child, ast.Return) and child.value is not None and not (
                            isinstance(child.value, ast.Constant) and child.value.value is None):
                        add(parent, field, index, ast.Return(value=ast.Constant(None)), "`return X` -> `return None`", line)
    return edits


def sites(path: Path) -> list[Site]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    rel = path.resolve().relative_to(ROOT).as_posix()
    seen: dict[tuple[str, str], int] = {}
    out = []
    for i, (_p, _f, _x, _n, what, line) in enumerate(_edits(ast.parse(source, str(path)))):
        text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        nth = seen.get((text, what), 0)  # the same line text twice in a file: told apart by count
        seen[(text, what)] = nth + 1
        out.append(Site(rel, i, line, text, what, nth))
    return out


def mutated_code(path: Path, index: int):
    """The module at ``path`` compiled with edit number ``index`` applied."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    parent, field, where, new, _what, _line = _edits(tree)[index]
    if where is None:
        setattr(parent, field, new)
    else:
        getattr(parent, field)[where] = new
    return compile(ast.fix_missing_locations(tree), str(path), "exec")


# ---- the import hook -----------------------------------------------------------------------

def module_name(path: Path) -> str:
    rel = path.resolve().relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


class _Loader:
    def __init__(self, path: Path, index: int) -> None:
        self.path, self.index = path, index

    def create_module(self, spec):  # default module creation
        return None

    def exec_module(self, module) -> None:
        module.__dict__["__mutant__"] = self.index
        exec(mutated_code(self.path, self.index), module.__dict__)


class _Finder:
    def __init__(self, path: Path, index: int) -> None:
        self.name, self.path, self.index = module_name(path), path, index

    def find_spec(self, fullname, target_path=None, target=None):
        if fullname != self.name:
            return None
        import importlib.util

        package = [str(self.path.parent)] if self.path.name == "__init__.py" else None
        return importlib.util.spec_from_file_location(
            fullname, self.path, loader=_Loader(self.path, self.index), submodule_search_locations=package)


def install(spec: str) -> None:
    """Install the hook for ``path:index`` (the value of PROFILEGEN_MUTANT)."""
    path, _, index = spec.rpartition(":")
    sys.meta_path.insert(0, _Finder(ROOT / path, int(index)))


# ---- running -------------------------------------------------------------------------------

def _preload() -> None:
    """Import what every child needs and what is slow to import, once, before forking.
    Nothing of profilegen: the child must import it through the hook."""
    for name in ("pytest", "typer", "typer.testing", "click", "pydantic", "yaml", "jinja2", "hypothesis",
                 "cryptography.x509", "cryptography.hazmat.primitives.serialization", "xmlschema",
                 "jsonschema", "junitparser", "biplist", "rich.console"):
        try:
            __import__(name)
        except Exception:  # an optional package: the child imports it if it needs it
            pass


def run_one(site: Site | None, tests: list[str], timeout: float) -> tuple[str, float]:
    """Run ``tests`` with ``site`` applied (None: unmutated) in a forked child.
    Returns (outcome, seconds)."""
    start = time.monotonic()
    spec = f"{site.path}:{site.index}" if site else ""
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 3
        try:
            os.setpgid(0, 0)
            devnull = os.open(os.devnull, os.O_RDWR)
            os.dup2(devnull, 0)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            # A fresh profilegen and fresh test modules (the parent may be a test process that
            # imported them): every importer must see the mutant.
            for name in [m for m in sys.modules if m.split(".")[0] in ("profilegen", "tests")]:
                del sys.modules[name]
            if spec:
                os.environ[ENV] = spec
                os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SITE), os.environ.get("PYTHONPATH")]))
                install(spec)
            import pytest

            code = int(pytest.main(["-x", "-q", "--tb=no", "-p", "no:cacheprovider", "-p", "no:xdist",
                                    "-p", "no:randomly", *tests]))
            if site and code == 0 and module_name(ROOT / site.path) not in sys.modules:
                code = 6  # the selection never imported the module
        except BaseException:
            code = 3
        finally:
            os._exit(code)
    deadline = start + timeout
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                _end(pid)
                return "timeout", time.monotonic() - start
            time.sleep(0.05)
    except BaseException:  # interrupted (Ctrl-C, SIGTERM): the child and its servers go too
        _end(pid)
        raise
    code = os.waitstatus_to_exitcode(status)
    outcome = {0: "survived", 1: "killed", 2: "killed", 6: "not-imported"}.get(code, f"error({code})")
    return outcome, time.monotonic() - start


def _end(pid: int) -> None:
    """Kill the child's whole process group (it may have started servers and workers)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def load_map(path: Path = MAP) -> dict[str, dict[str, list[str]]]:
    with path.open("rb") as f:
        return tomllib.load(f)


def group_modules(group: dict[str, list[str]]) -> list[Path]:
    out: list[Path] = []
    for pattern in group["modules"]:
        matches = sorted(ROOT.glob(pattern))
        out += [p for p in matches if p not in out and not any(fnmatch.fnmatch(p.name, x) for x in group.get("exclude", []))]
    return out


def load_equivalent() -> dict[str, str]:
    """key -> why, from tools/mutate_equivalent.txt ("key  ## why" per line)."""
    out = {}
    if EQUIVALENT.exists():
        for raw in EQUIVALENT.read_text(encoding="utf-8").splitlines():
            if raw.strip() and not raw.startswith("#"):
                key, _, why = raw.partition("  ## ")
                out[key.strip()] = why.strip()
    return out


def main(argv: list[str] | None = None) -> int:
    old_handler, old_cwd = signal.signal(signal.SIGTERM, _terminate), os.getcwd()
    os.chdir(ROOT)  # the test paths in the map are relative to the checkout
    try:
        return _main(argv)
    finally:
        signal.signal(signal.SIGTERM, old_handler)
        os.chdir(old_cwd)


def _main(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("groups", nargs="*", help="groups of tools/mutate_map.toml (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--json", type=Path, help="write every mutant's outcome here (kept up to date as the run goes)")
    parser.add_argument("--rerun", type=Path, help="a previous --json: run only its survivors, keep its other outcomes")
    parser.add_argument("--sample", type=int, help="run a random sample of this many mutants per group")
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--map", type=Path, default=MAP, help="the groups file (default: tools/mutate_map.toml)")
    parser.add_argument("--module", help="only mutants in files whose path contains this")
    args = parser.parse_args(argv)

    try:
        groups = load_map(args.map)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        print(f"mutate: --map {args.map}: {exc}", file=sys.stderr)
        return 2
    unknown = [g for g in args.groups if g not in groups]
    if unknown:
        print(f"mutate: unknown group {', '.join(unknown)}; groups: {', '.join(groups)}", file=sys.stderr)
        return 2
    if args.json and not args.json.resolve().parent.is_dir():
        print(f"mutate: --json {args.json}: its directory does not exist; give a file in an existing directory", file=sys.stderr)
        return 2
    if args.rerun and not args.rerun.is_file():
        print(f"mutate: --rerun {args.rerun}: no such file; give the --json file of an earlier run", file=sys.stderr)
        return 2
    equivalent = load_equivalent()
    previous: dict[str, str] = {}
    if args.rerun:
        try:
            previous = {r["key"]: r["outcome"] for r in json.loads(args.rerun.read_text(encoding="utf-8"))["mutants"]}
        except (ValueError, KeyError, TypeError) as exc:
            print(f"mutate: --rerun {args.rerun}: not the --json file of a run ({type(exc).__name__})", file=sys.stderr)
            return 2
    results: list[dict[str, object]] = []
    summary: dict[str, dict[str, int]] = {}
    if not args.list:
        _preload()
    for name in args.groups or list(groups):
        group = groups[name]
        all_sites = [s for p in group_modules(group) for s in sites(p)]
        if args.module:
            all_sites = [s for s in all_sites if args.module in s.path]
        if args.sample and args.sample < len(all_sites):
            all_sites = sorted(random.Random(args.seed).sample(all_sites, args.sample), key=lambda s: (s.path, s.index))
        if args.list:
            for s in all_sites:
                mark = "  [equivalent]" if s.key in equivalent else ""
                print(f"{name}: {s.path}:{s.line}: {s.op}    {s.text}{mark}")
            continue
        tests = [t for t in group["tests"] if (ROOT / t.split("::")[0]).exists()]
        outcome, base = run_one(None, tests, timeout=900)
        if outcome != "survived":
            print(f"{name}: the unmutated tests are not green ({outcome}); group not measured", file=sys.stderr)
            summary[name] = {"error": 1}
            continue
        timeout = max(15.0, 3 * base)
        print(f"{name}: {len(all_sites)} mutants, tests take {base:.1f}s unmutated", flush=True)
        for s in all_sites:
            if s.key in equivalent:
                outcome = "equivalent"
            elif previous.get(s.key, "survived") not in ("survived", "not-imported"):
                outcome = previous[s.key]
            else:
                outcome, _secs = run_one(s, tests, timeout)
            results.append({"group": name, **asdict(s), "key": s.key, "outcome": outcome})
            if outcome in ("survived", "not-imported") or outcome.startswith("error"):
                print(f"  {outcome}: {s.path}:{s.line}: {s.op}    {s.text}", flush=True)
            if args.json:
                _write_json(args.json, results)
        summary[name] = _count([r for r in results if r["group"] == name])
        print(f"{name}: {_rate_line(summary[name])}", flush=True)
    if not args.list:
        print("\nmodule                                   mutants  killed  survived  equivalent  kill rate")
        for path in sorted({str(r["path"]) for r in results}):
            c = _count([r for r in results if r["path"] == path])
            print(f"{path:40} {c['total']:7} {c['killed']:7} {c['survived']:9} {c['equivalent']:11}  {_rate(c)}")
        for name, c in summary.items():
            if "total" in c:
                print(f"group {name:34} {c['total']:7} {c['killed']:7} {c['survived']:9} {c['equivalent']:11}  {_rate(c)}")
        if args.json:
            _write_json(args.json, results)
    return 0


def _count(rows: list[dict[str, object]]) -> dict[str, int]:
    outcomes = [str(r["outcome"]) for r in rows]
    killed = sum(o in ("killed", "timeout") for o in outcomes)
    equivalent = outcomes.count("equivalent")
    return {"total": len(outcomes), "killed": killed, "equivalent": equivalent,
            "survived": len(outcomes) - killed - equivalent}


def _rate(c: dict[str, int]) -> str:
    measured = c["total"] - c["equivalent"]
    return f"{100 * c['killed'] / measured:5.1f} %" if measured else "    -"


def _rate_line(c: dict[str, int]) -> str:
    return f"{c['killed']} killed, {c['survived']} survived, {c['equivalent']} equivalent: {_rate(c).strip()}"


def _write_json(path: Path, results: list[dict[str, object]]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"mutants": results}, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
