"""The code table and the pure classifier."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import profilegen.entra
from profilegen.entra.classify import (
    CATEGORIES,
    category_for_code,
    classify_token_response,
    load_codes,
)

from .conftest import SCENARIOS, TOKENS, entra_error

ISSUE_CATEGORIES = (
    "success", "password_ok_mfa_required", "password_ok_blocked_by_policy", "password_ok_action_required",
    "wrong_password", "account_problem", "configuration_problem", "transient", "unknown",
)


def test_categories_are_exactly_the_issues() -> None:
    assert CATEGORIES == ISSUE_CATEGORIES


def test_every_code_has_a_source_and_explanation() -> None:
    table = load_codes()
    assert len(table) > 50
    for info in table.values():
        assert info.source.startswith("https://"), info.code
        assert info.explanation and info.name and info.evidence in ("documented", "inferred")
        assert info.category in CATEGORIES[1:-1]


@pytest.mark.parametrize(
    ("codes", "category"),
    [
        ((50076, 50079, 50072, 50074), "password_ok_mfa_required"),
        ((53003, 53000, 50158), "password_ok_blocked_by_policy"),
        ((50055,), "password_ok_action_required"),
        ((50126,), "wrong_password"),
        ((50034, 50053, 50057), "account_problem"),
        ((7000218, 700016, 90002, 65001, 700025, 9001023), "configuration_problem"),
        ((0,), "success"),
        ((1, 123456789), "unknown"),
    ],
)
def test_issue_codes(codes: tuple[int, ...], category: str) -> None:
    assert {category_for_code(c) for c in codes} == {category}


def test_claims_with_access_token_text_is_not_success() -> None:
    status, body = SCENARIOS["ca"]
    assert isinstance(body, dict) and "access_token" in json.dumps(body)
    assert classify_token_response(status, json.dumps(body).encode()).category == "password_ok_blocked_by_policy"
    # Even with status 200, a body whose only "access_token" is inside claims is not tokens.
    weird = {"claims": body["claims"], "note": "no tokens"}
    assert classify_token_response(200, json.dumps(weird).encode()).category == "unknown"


def test_error_codes_first_then_description() -> None:
    body = entra_error("invalid_grant", 50076, "MFA")
    body["error_codes"] = [50126, 50076]
    assert classify_token_response(400, json.dumps(body).encode()).error_code == 50126
    del body["error_codes"]
    assert classify_token_response(400, json.dumps(body).encode()).error_code == 50076


def test_no_code_falls_back_to_oauth_error_then_status() -> None:
    assert classify_token_response(400, b'{"error": "invalid_client"}').category == "configuration_problem"
    assert classify_token_response(503, b'{"error": "server_error"}').category == "transient"
    assert classify_token_response(502, b"<html>Bad Gateway</html>").category == "transient"
    assert classify_token_response(400, b"not json").category == "unknown"


def test_success_needs_tokens() -> None:
    verdict = classify_token_response(200, json.dumps(TOKENS).encode())
    assert verdict.category == "success" and verdict.password_verified is True and verdict.error_code is None


def test_detail_is_first_line_only() -> None:
    status, body = SCENARIOS["wrong"]
    verdict = classify_token_response(status, json.dumps(body).encode())
    assert verdict.detail.startswith("AADSTS50126:") and "Trace ID" not in verdict.detail


def test_core_never_imports_the_cli_layer() -> None:
    package = Path(profilegen.entra.__file__).parent
    for module in package.glob("*.py"):
        tree = ast.parse(module.read_text())
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not {n for n in names if n.split(".")[0] in ("typer", "click", "rich") or n == "profilegen.cli"}, module
        calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        assert not calls & {"print", "exit"}, module
