"""Every rule as data: tests/unit/rules/rule_cases.json holds pass and fail cases per rule, each
with the exact findings of that rule a user sees: severity, key, line and message, in order
(issue 23). A case is built from the minimum Entra setup of tests/cases/make_cases.py with one
thing changed, written as XML by plistlib (the line of a key is the line of its <key>).

Case fields: "rule", "why"; one input: "login" (changes to the minimum login window settings;
null removes a key), "menubar" (changes to IdPSettings), "profile" ({"login": changes,
"menubar": changes, "mcx": bool, "top": {...}, "inner": [{...} per payload]}) or "xml" (the
file's text, with "name"); "target_version" (validate --target-version, for PG310/PG311);
"expect": [[severity, key, line, message], ...] ([] for a pass case).
"""

from __future__ import annotations

import copy
import json
import plistlib
from pathlib import Path
from typing import Any

import pytest

from profilegen.rules import load_all
from profilegen.catalog.versions import parse_targets
from profilegen.validate.pipeline import check_bytes, version_findings
from tests.cases.make_cases import LOGIN, MENUBAR, login, menubar, profile

CASES = json.loads((Path(__file__).with_name("rule_cases.json")).read_text(encoding="utf-8"))


def _changed(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def build(case: dict[str, Any]) -> tuple[bytes, str]:
    """The file's bytes and name for one case."""
    if "xml" in case:
        return case["xml"].encode("utf-8"), case["name"]
    if "login" in case:
        return plistlib.dumps(login(**case["login"])), "case.login.plist"
    if "menubar" in case:
        return plistlib.dumps(menubar(**case["menubar"])), "case.menubar.plist"
    spec = case["profile"]
    mcx = spec.get("mcx", True)
    doc = profile("com.jamf.connect.login", _changed(LOGIN, spec.get("login", {})), mcx=mcx)
    if "menubar" in spec:
        bar = profile("com.jamf.connect", _changed(copy.deepcopy(MENUBAR), {}), mcx=mcx)["PayloadContent"][0]
        idp = _changed(MENUBAR["IdPSettings"], spec["menubar"])
        if mcx:
            bar["PayloadContent"]["com.jamf.connect"]["Forced"][0]["mcx_preference_settings"] = {"IdPSettings": idp}
        else:
            bar["IdPSettings"] = idp
        bar["PayloadIdentifier"] = "com.example.case.menubar"
        bar["PayloadUUID"] = "11111111-2222-4333-8444-000000000002"
        doc["PayloadContent"].append(bar)
        if spec.get("menubar_only"):
            doc["PayloadContent"].pop(0)
    doc = _changed(doc, spec.get("top", {}))
    for payload, changes in zip(doc["PayloadContent"], spec.get("inner", [])):
        payload.update(changes)
        for key in [k for k, v in changes.items() if v is None]:
            del payload[key]
    return plistlib.dumps(doc), "case.mobileconfig"


def seen(case: dict[str, Any]) -> list[list[Any]]:
    data, name = build(case)
    result = check_bytes(data, name)
    findings = result.findings
    if "target_version" in case and result.document is not None:
        findings = [*findings, *version_findings(result.document, data, parse_targets(case["target_version"]))]
    return [[f.severity.value, f.key, f.line, f.message] for f in findings if f.code == case["rule"]]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['rule']}-{c['why']}" for c in CASES])
def test_rule_case(case: dict[str, Any]) -> None:
    assert seen(case) == case["expect"]


def test_every_rule_with_a_check_has_a_pass_and_two_fail_cases() -> None:
    for code, rule in load_all().items():
        if rule.retired or rule.check is None:
            continue
        mine = [c for c in CASES if c["rule"] == code]
        assert any(not c["expect"] for c in mine), f"{code}: no pass case in rule_cases.json"
        assert sum(bool(c["expect"]) for c in mine) >= 2, f"{code}: fewer than two fail cases in rule_cases.json"


def test_severities_are_pinned() -> None:
    # The severity a rule reports is part of what users see (exit code 1 or 0, CI gates): pin it.
    expected = {c["rule"]: c["expect"][0][0] for c in CASES if c["expect"]}
    assert {code: load_all()[code].severity.value for code in expected} == expected
