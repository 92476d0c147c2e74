"""Rule cases: every tests/cases/<CODE>/fail-* must report CODE, every pass-* must not.
Discovered automatically; every registered rule needs at least one of each."""

from __future__ import annotations

from pathlib import Path

import pytest

from profilegen.rules import load_all
from profilegen.signing.trust import load_trust
from profilegen.validate.pipeline import validate_paths

CASES = Path(__file__).resolve().parent / "cases"
FILES = sorted(p for p in CASES.glob("PG*/*") if p.name.startswith(("pass-", "fail-")))


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_case(path: Path):
    code = path.parent.name
    ca = path.parent / "ca.pem"  # a case folder may name the trust bundle (validate --ca-file)
    (result,) = validate_paths([str(path)], trust=load_trust(ca) if ca.exists() else None)
    codes = {f.code for f in result.findings}
    if path.name.startswith("fail-"):
        assert code in codes, f"{code} not reported; got {sorted(codes)}: {result.findings}"
    else:
        assert code not in codes, [f for f in result.findings if f.code == code]


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
