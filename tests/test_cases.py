"""Rule cases: every tests/cases/<CODE>/fail-* must report CODE, every pass-* must not, and each
folder's expected.json holds what a user sees for that code in each file: severity, key, line
and message of every finding, in order, so the count is checked too (issue 23). Discovered
automatically; every registered rule needs at least one pass and one fail case.

After adding a case: `pytest tests/test_cases.py --update-expected`, then review the diff of
expected.json by hand before committing it (it must say what the rule should report).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from profilegen.catalog.versions import parse_targets
from profilegen.rules import load_all
from profilegen.signing.trust import load_trust
from profilegen.validate.pipeline import validate_paths

CASES = Path(__file__).resolve().parent / "cases"
FILES = sorted(p for p in CASES.glob("PG*/*") if p.name.startswith(("pass-", "fail-")))


def findings_of(path: Path) -> list[list[Any]]:
    code = path.parent.name
    ca = path.parent / "ca.pem"  # a case folder may name the trust bundle (validate --ca-file)
    # and the Jamf Connect versions deployed (validate --target-version, PG310/PG311)
    target = path.parent / "target-version"
    targets = parse_targets(target.read_text(encoding="utf-8")) if target.exists() else None
    (result,) = validate_paths([str(path)], trust=load_trust(ca) if ca.exists() else None, targets=targets)
    # A message that names the case folder (the --ca-file path) is kept without the checkout's place.
    return [[f.severity.value, f.key, f.line, f.message.replace(str(path.parent), "<folder>")]
            for f in result.findings if f.code == code]


def matches(seen: list[list[Any]], want: list[list[Any]]) -> bool:
    """Equal, except that an expected message "re:PATTERN" is a regular expression: for text that
    comes from a library whose wording changes between the versions pyproject.toml allows
    (xmlschema's reasons in PG103); the part that is ours stays literal in the pattern."""
    if len(seen) != len(want):
        return False
    for got, expect in zip(seen, want):
        message = expect[3]
        if isinstance(message, str) and message.startswith("re:"):
            if got[:3] != expect[:3] or not re.fullmatch(message[3:], got[3], re.S):
                return False
        elif got != expect:
            return False
    return True


def expected(folder: Path) -> dict[str, list[list[Any]]]:
    path = folder / "expected.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_case(path: Path, request: pytest.FixtureRequest) -> None:
    seen = findings_of(path)
    if request.config.getoption("--update-expected"):
        table = expected(path.parent)
        if path.name not in table or not matches(seen, table[path.name]):  # a pass case's [] too
            table[path.name] = seen
        (path.parent / "expected.json").write_text(json.dumps(dict(sorted(table.items())), indent=1, ensure_ascii=False) + "\n",
                                                   encoding="utf-8")
    if path.name.startswith("fail-"):
        assert seen, f"{path.parent.name} not reported"
    else:
        assert seen == []
    want = expected(path.parent)
    assert path.name in want, f"{path.parent.name}/expected.json has no entry for {path.name} (--update-expected, then review)"
    assert matches(seen, want[path.name]), (seen, want[path.name])


def test_expected_names_only_existing_cases() -> None:
    for folder in CASES.glob("PG*"):
        names = {p.name for p in folder.iterdir() if p.name.startswith(("pass-", "fail-"))}
        assert set(expected(folder)) <= names, f"{folder.name}/expected.json names a case that does not exist"


def test_every_rule_has_pass_and_fail_cases():
    for code, rule in load_all().items():
        if rule.retired:
            assert not (CASES / code).exists(), f"{code} is retired: remove its cases"
            continue
        names = [p.name for p in (CASES / code).glob("*")] if (CASES / code).is_dir() else []
        assert any(n.startswith("pass-") for n in names), f"{code} has no pass case"
        assert any(n.startswith("fail-") for n in names), f"{code} has no fail case"


def test_no_case_folder_without_a_rule():
    registered = set(load_all())
    assert {p.name for p in CASES.glob("PG*")} <= registered
