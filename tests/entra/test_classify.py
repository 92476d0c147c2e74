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
        assert info.source.startswith("https://") and info.source.strip() == info.source, info.code
        assert info.explanation.strip() and info.name.strip(), info.code
        assert info.evidence in ("documented", "inferred"), info.code
        assert info.category in CATEGORIES[1:-1]


RAW = json.loads((Path(profilegen.entra.__file__).parent / "codes.json").read_text("utf-8"))["codes"]


@pytest.mark.parametrize("code", sorted(RAW))
def test_every_entry_fills_evidence_and_source(code: str) -> None:
    """Read the file itself, so a missing or empty field cannot hide behind a default."""
    entry = RAW[code]
    for field in ("category", "name", "evidence", "explanation", "source"):
        assert isinstance(entry.get(field), str) and entry[field].strip(), (code, field)


# Microsoft's symbolic names (learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes,
# MicrosoftDocs/entra-docs docs/identity-platform/reference-error-codes.md), issue 9 §4.
MICROSOFT_NAMES = {
    50033: "RetryableError", 90024: "RequestBudgetExceededError", 90033: "MsodsServiceUnavailable",
    90006: "ExternalServerRetryableError", 90012: "RequestTimeout", 50000: "TokenIssuanceError",
    90014: "MissingRequiredField", 80001: "OnPremiseStoreIsNotAvailable",
    80002: "OnPremisePasswordValidatorRequestTimedout", 80005: "OnPremisePasswordValidatorUnpredictableWebException",
    80007: "OnPremisePasswordValidatorErrorOccurredOnPrem", 80014: "OnPremisePasswordValidationAuthenticationAgentTimeout",
    90124: "V1ResourceV2GlobalEndpointNotSupported", 90130: "NonConvergedAppV2GlobalEndpointNotSupported",
    7000112: "UnauthorizedClientApplicationDisabled", 70001: "UnauthorizedClient",
}


def test_microsoft_names_are_used() -> None:
    table = load_codes()
    for code, name in MICROSOFT_NAMES.items():
        assert table[code].name == name, code
    assert "unable to validate user's password" in table[80007].explanation


def test_codes_missing_from_microsofts_table_are_inferred_with_another_source() -> None:
    table = load_codes()
    for code in (500121, 900023):
        assert table[code].evidence == "inferred" and "reference-error-codes" not in table[code].source
        assert table[code].name.startswith("(")
    # MSOLSpray is community tooling: by the file's own rule that is inferred.
    assert table[50055].evidence == "inferred"
    assert table[50158].category == "password_ok_mfa_required" and "external MFA" in table[50158].explanation


@pytest.mark.parametrize(
    ("codes", "category"),
    [
        # 50158: an external MFA challenge (custom control, e.g. Duo) is a second factor (issue 9 §4).
        ((50076, 50079, 50072, 50074, 50158), "password_ok_mfa_required"),
        ((53003, 53000), "password_ok_blocked_by_policy"),
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
    # Not an OAuth answer at all (RFC 6749 section 5.2 requires a JSON object): a wrong URL.
    assert classify_token_response(400, b"not json").category == "configuration_problem"


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
