"""The key catalog's checks as data (issue 23): tests/unit/catalog/catalog_cases.json holds
preferences of one domain and every issue check_preferences, required_issues and relation_issues
yield for them: which check, kind, key path and message, in order. Values JSON cannot hold are
written {"$date": ISO}, {"$data": hex} and {"$real": "nan"}."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from profilegen.catalog import load_catalog
from profilegen.catalog.check import (
    check_preferences,
    describe,
    is_secret_key,
    levenshtein,
    plist_type_name,
    suggest,
    type_matches,
)
from profilegen.catalog.relations import relation_issues, required_issues


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$date"}:
            return dt.datetime.fromisoformat(value["$date"])
        if set(value) == {"$data"}:
            return bytes.fromhex(value["$data"])
        if set(value) == {"$real"}:
            return float(value["$real"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


CASES = json.loads(Path(__file__).with_name("catalog_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["why"] for c in CASES])
def test_catalog_case(case: dict[str, Any]) -> None:
    catalog = load_catalog(case["component"])
    prefs = _decode(case["prefs"])
    seen = [[check.__name__, issue.kind.value, issue.path, issue.message]
            for check in (check_preferences, required_issues, relation_issues) for issue in check(catalog, prefs)]
    assert seen == case["expect"]


@pytest.mark.parametrize(("a", "b", "distance"), [
    ("", "", 0), ("a", "", 1), ("", "abc", 3), ("kitten", "sitting", 3), ("abc", "abc", 0), ("ab", "ba", 2), ("abc", "abd", 1),
])
def test_levenshtein(a: str, b: str, distance: int) -> None:
    assert levenshtein(a, b) == distance == levenshtein(b, a)


@pytest.mark.parametrize(("name", "candidates", "expected"), [
    ("oidcprovider", ["OIDCProvider"], "OIDCProvider"),
    ("OIDCProvidr", ["OIDCProvider", "OIDCTenant"], "OIDCProvider"),
    ("ab", ["xy"], "xy"),  # two edits are always close enough
    ("abc", ["xyz"], None),  # three edits in a short name are not
    ("ABCDEFGHIJKLMNO", ["ABCDEFGHIJKLxyz"], "ABCDEFGHIJKLxyz"),  # len // 5 = 3 edits allowed
    ("ABCDEFGHIJKLMN", ["ABCDEFGHIJKxyz"], None),  # len // 5 = 2 < 3
    ("Zzzz", [], None),
    ("OIDCRedirectURIs", ["OIDCRedirectURI", "OIDCRedirectURIx"], "OIDCRedirectURI"),  # ties: alphabetical
])
def test_suggest(name: str, candidates: list[str], expected: str | None) -> None:
    assert suggest(name, candidates) == expected


@pytest.mark.parametrize(("expected", "value", "matches"), [
    ("any", object(), True), ("boolean", True, True), ("integer", True, False), ("real", 1, True), ("real", 1.5, True),
    ("real", float("inf"), False), ("real", float("nan"), False), ("integer", 1.0, False), ("string", "x", True),
    ("array", (1,), True), ("dict", {}, True), ("date", dt.datetime(2020, 1, 1), True), ("data", bytearray(b"x"), True),
    ("nonsense", "x", False),
])
def test_type_matches(expected: str, value: Any, matches: bool) -> None:
    assert type_matches(expected, value) is matches


@pytest.mark.parametrize(("value", "name"), [
    (True, "boolean"), (1, "integer"), (1.5, "real"), ("x", "string"), ([], "array"), ({}, "dict"),
    (dt.datetime(2020, 1, 1), "date"), (b"", "data"), (None, "NoneType"),
])
def test_plist_type_name(value: Any, name: str) -> None:
    assert plist_type_name(value) == name


def test_describe() -> None:
    assert describe("x" * 58, secret=False) == repr("x" * 58)  # 60 characters: shown whole
    assert describe("x" * 59, secret=False) == repr("x" * 59)[:57] + "..."
    assert describe("S3cret", secret=True) == "<hidden>"


@pytest.mark.parametrize(("name", "secret"), [
    ("OIDCClientSecret", True), ("ROPGClientSecret", True), ("ClientSecret", True), ("AuthUIOIDCClientSecret", True),
    ("OIDCClientSecert", True), ("clientsecret", True), ("OIDCClientID", False), ("OIDCProvider", False),
    ("Secret", False), ("TenantID", False),
])
def test_is_secret_key(name: str, secret: bool) -> None:
    assert is_secret_key(name) is secret
