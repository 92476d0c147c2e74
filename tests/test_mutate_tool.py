"""tools/mutate.py, the mutation tool of issue 23: its mutants are applied in memory only, in
the test process and in the subprocesses a test starts, and its report counts what it ran.
The full runs are slow and are not part of the suite (docs/testing.md)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRUB = ROOT / "profilegen" / "core" / "scrub.py"


@pytest.fixture(scope="module")
def mutate():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("_mutate_under_test", ROOT / "tools" / "mutate.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def index_of(mutate, path: Path, op: str, text: str) -> int:  # type: ignore[no-untyped-def]
    (site,) = [s for s in mutate.sites(path) if s.op == op and s.text == text]
    return site.index


def test_the_operators_cover_what_the_issue_plants(mutate) -> None:  # type: ignore[no-untyped-def]
    ops = {s.op for s in mutate.sites(ROOT / "profilegen" / "rules" / "security.py")}
    assert {"Severity.ERROR -> Severity.WARNING", "`return X` -> `return None`"} <= ops
    assert any(op.startswith("skip `yield") for op in ops)
    raw = {s.op for p in (ROOT / "profilegen").rglob("*.py") for s in mutate.sites(p)}
    every = {re.sub(r"`[^`]*`", "`…`", op) for op in raw}
    assert {"`…` -> `…`", "drop `…`", "skip `…`", "True -> False"} <= every
    assert {"`return X` -> `return None`", "drop `not`", "`<` -> `<=`", "`and` -> `or`", "1 -> 2"} <= raw
    # Docstrings, imports and annotations are never mutated.
    texts = {s.text for s in mutate.sites(SCRUB)}
    assert not any(t.startswith(("import ", "from ", '"""')) for t in texts)


def test_a_mutant_reaches_the_test_process_and_its_subprocesses(mutate) -> None:  # type: ignore[no-untyped-def]
    before = hashlib.sha256(SCRUB.read_bytes()).hexdigest()
    index = index_of(mutate, SCRUB, "6 -> 7", "MIN_SCRUB_LENGTH = 6")
    env = {**os.environ, mutate.ENV: f"profilegen/core/scrub.py:{index}", "PYTHONPATH": str(mutate.SITE)}
    code = "from profilegen.core.scrub import MIN_SCRUB_LENGTH as m; import profilegen.core.scrub as s; print(m, s.__mutant__)"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.stdout == f"7 {index}\n", done.stderr
    plain = subprocess.run([sys.executable, "-c", code.split(";")[0] + "; print(m)"], capture_output=True, text=True,
                           timeout=60, cwd=ROOT)
    assert plain.stdout == "6\n"
    assert hashlib.sha256(SCRUB.read_bytes()).hexdigest() == before  # nothing was written


def test_a_run_reports_killed_and_survived(mutate, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    mapping = tmp_path / "map.toml"
    mapping.write_text('[scrub]\nmodules = ["profilegen/core/scrub.py"]\n'
                       'tests = ["tests/unit/core/test_scrub.py::test_min_length_and_markers_are_pinned"]\n')
    out = tmp_path / "out.json"
    # Two mutants: the pinned constant (killed) and one the pinned test does not look at (survives).
    kill = index_of(mutate, SCRUB, "6 -> 5", "MIN_SCRUB_LENGTH = 6")
    keep = index_of(mutate, SCRUB, "`<` -> `<=`", "if code < 0x10000:")
    sites = mutate.sites
    mutate.sites = lambda path: [s for s in sites(path) if s.index in (kill, keep)]
    try:
        assert mutate.main(["scrub", "--map", str(mapping), "--json", str(out)]) == 0
    finally:
        mutate.sites = sites
    report = capsys.readouterr().out
    line = next(s.line for s in sites(SCRUB) if s.index == keep)
    assert f"survived: profilegen/core/scrub.py:{line}: `<` -> `<=`    if code < 0x10000:" in report
    assert re.search(r"profilegen/core/scrub.py\s+2\s+1\s+1\s+0\s+50.0 %", report), report
    outcomes = {m["op"]: m["outcome"] for m in json.loads(out.read_text())["mutants"]}
    assert outcomes == {"6 -> 5": "killed", "`<` -> `<=`": "survived"}


def test_the_map_names_existing_modules_and_tests(mutate) -> None:  # type: ignore[no-untyped-def]
    groups = mutate.load_map()
    assert set(groups) == {"rules", "validate", "read", "shapes", "catalog", "diff", "scrub", "verify", "compare", "wire",
                           "classify", "writer"}
    for name, group in groups.items():
        assert mutate.group_modules(group), name
        for test in group["tests"]:
            assert (ROOT / test.split("::")[0]).exists(), f"{name}: {test}"


def test_equivalent_entries_name_current_mutants_with_a_reason(mutate) -> None:  # type: ignore[no-untyped-def]
    keys = {s.key for group in mutate.load_map().values() for p in mutate.group_modules(group) for s in mutate.sites(p)}
    for key, why in mutate.load_equivalent().items():
        assert key in keys, f"tools/mutate_equivalent.txt: no such mutant any more: {key}"
        assert len(why) > 20, f"tools/mutate_equivalent.txt: say why: {key}"


def test_docs_list_example_runs_as_written() -> None:
    text = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    (line,) = [x for x in text.splitlines() if "tools/mutate.py --list" in x]
    args = line.split("tools/mutate.py", 1)[1].split("#")[0].split()
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "mutate.py"), *args], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert done.returncode == 0 and done.stdout.startswith(f"{args[-1]}: profilegen/"), done.stderr
    bad = subprocess.run([sys.executable, str(ROOT / "tools" / "mutate.py"), "no-such-group"], capture_output=True,
                         text=True, timeout=60, cwd=ROOT)
    assert bad.returncode == 2 and bad.stderr.startswith("mutate: unknown group no-such-group; groups: rules, ")


def test_bad_arguments_are_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("[x\n")
    (tmp_path / "bad.json").write_bytes(b"\xff")
    for args, start in [(["--map", str(tmp_path / "bad.toml")], "mutate: --map "),
                        (["scrub", "--json", str(tmp_path / "no" / "x.json")], "mutate: --json "),
                        (["scrub", "--rerun", str(tmp_path / "missing.json")], "mutate: --rerun "),
                        (["scrub", "--rerun", str(tmp_path / "bad.json")], "mutate: --rerun ")]:
        done = subprocess.run([sys.executable, str(ROOT / "tools" / "mutate.py"), *args], capture_output=True, text=True,
                              timeout=60, cwd=ROOT)
        assert done.returncode == 2 and done.stderr.startswith(start) and done.stderr.count("\n") == 1, (args, done.stderr)
