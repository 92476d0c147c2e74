"""entra.classify: the exact verdict for each kind of token-endpoint answer (issue 23): category,
code, explanation and the detail a user reads, at every boundary of the status and code checks."""

from __future__ import annotations

import json

import pytest

from profilegen.entra.classify import (
    CATEGORY_TEXT,
    CONFIGURATION_PROBLEM,
    SUCCESS,
    TRANSIENT,
    UNKNOWN,
    WRONG_PASSWORD,
    Verdict,
    category_for_code,
    classify_token_response,
    error_code_of,
    json_body,
    load_codes,
    password_verified,
    verdict_for_code,
)

TOKEN = {"token_type": "Bearer", "access_token": "eyJ0eXAi.x.y", "id_token": "eyJ.a.b", "expires_in": 3599}


def classify(status: int, body: object) -> Verdict:
    return classify_token_response(status, body if isinstance(body, bytes) else json.dumps(body).encode())


def test_tokens_with_error_codes_are_not_success() -> None:
    # The planted bug: 200, a token, and error_codes [50126] read as success.
    verdict = classify(200, {**TOKEN, "error_codes": [50126]})
    assert (verdict.category, verdict.error_code, verdict.password_verified) == (WRONG_PASSWORD, 50126, False)
    assert verdict.explanation == load_codes()[50126].explanation
    verdict = classify(200, {**TOKEN, "error": "invalid_grant", "error_description": "AADSTS50076: MFA.\r\nTrace ID: 1"})
    assert (verdict.category, verdict.error_code, verdict.detail) == ("password_ok_mfa_required", 50076, "AADSTS50076: MFA.")


def test_success_is_exactly_tokens_at_200() -> None:
    verdict = classify(200, TOKEN)
    assert verdict == Verdict(SUCCESS, None, CATEGORY_TEXT[SUCCESS])
    assert verdict.message == CATEGORY_TEXT[SUCCESS] and verdict.password_verified is True
    assert classify(201, TOKEN).category == UNKNOWN
    assert classify(200, {**TOKEN, "access_token": 5}).category == UNKNOWN
    assert classify(200, {"id_token": "x"}).category == UNKNOWN


@pytest.mark.parametrize(("status", "category", "text"), [
    (500, TRANSIENT, "HTTP 500 without a JSON body. " + CATEGORY_TEXT[TRANSIENT]),
    (503, TRANSIENT, "HTTP 503 without a JSON body. " + CATEGORY_TEXT[TRANSIENT]),
    (429, TRANSIENT, "HTTP 429 without a JSON body. " + CATEGORY_TEXT[TRANSIENT]),
    (499, CONFIGURATION_PROBLEM, "HTTP 499 without a JSON object body; the URL is not an OAuth token endpoint. "
     + CATEGORY_TEXT[CONFIGURATION_PROBLEM]),
    (430, CONFIGURATION_PROBLEM, "HTTP 430 without a JSON object body; the URL is not an OAuth token endpoint. "
     + CATEGORY_TEXT[CONFIGURATION_PROBLEM]),
    (200, CONFIGURATION_PROBLEM, "HTTP 200 without a JSON object body; the URL is not an OAuth token endpoint. "
     + CATEGORY_TEXT[CONFIGURATION_PROBLEM]),
])
def test_bodies_that_are_no_json_object(status: int, category: str, text: str) -> None:
    for body in (b"<html>x</html>", b"[1]", b"\xff", b"[" * 100000):
        assert classify(status, body) == Verdict(category, None, text)


@pytest.mark.parametrize(("status", "category", "text"), [
    (500, TRANSIENT, "HTTP 500. " + CATEGORY_TEXT[TRANSIENT]),
    (429, TRANSIENT, "HTTP 429. " + CATEGORY_TEXT[TRANSIENT]),
    (428, UNKNOWN, "HTTP 428. " + CATEGORY_TEXT[UNKNOWN]),
    (499, UNKNOWN, "HTTP 499. " + CATEGORY_TEXT[UNKNOWN]),
])
def test_json_without_code_or_known_error_falls_back_to_status(status: int, category: str, text: str) -> None:
    assert classify(status, {"error": "server_error", "error_description": "boom\nmore"}) == Verdict(category, None, text, "boom")


def test_oauth_error_without_code() -> None:
    assert classify(400, {"error": "invalid_client", "error_description": "  bad client  \r\nTrace ID: 2"}) == Verdict(
        CONFIGURATION_PROBLEM, None, "OAuth error invalid_client. " + CATEGORY_TEXT[CONFIGURATION_PROBLEM], "bad client")
    assert classify(400, {"error": "temporarily_unavailable"}).category == TRANSIENT
    assert classify(400, {"error": ["invalid_client"]}).category == UNKNOWN
    verdict = classify(400, {"error": "invalid_client", "error_description": "x"})
    assert verdict.message == f"OAuth error invalid_client. {CATEGORY_TEXT[CONFIGURATION_PROBLEM]} Entra said: x"


def test_error_code_of_boundaries() -> None:
    assert error_code_of({"error_codes": [0]}) == 0
    assert error_code_of({"error_codes": [10**9 - 1]}) == 10**9 - 1
    assert error_code_of({"error_codes": [10**9]}) is None
    assert error_code_of({"error_codes": [-1]}) is None
    assert error_code_of({"error_codes": [True]}) is None
    assert error_code_of({"error_codes": ["50126"]}) is None
    assert error_code_of({"error_codes": []}) is None
    assert error_code_of({"error_codes": 50126}) is None
    assert error_code_of({"error_codes": [50126, 50076], "error_description": "AADSTS50076"}) == 50126
    assert error_code_of({"error_codes": [True], "error_description": "x AADSTS50076: y"}) == 50076
    assert error_code_of({"error_description": "AADSTS123456789"}) == 123456789
    assert error_code_of({"error_description": "AADSTS1234567890"}) is None
    assert error_code_of({"error_description": 50126}) is None
    assert error_code_of({}) is None


def test_codes_and_unknown_codes() -> None:
    assert category_for_code(0) == SUCCESS and category_for_code(50126) == WRONG_PASSWORD
    assert category_for_code(1) == UNKNOWN
    unknown = verdict_for_code(4242, "said")
    assert unknown == Verdict(UNKNOWN, 4242, f"AADSTS4242 is not in profilegen's table. {CATEGORY_TEXT[UNKNOWN]}", "said")
    assert classify(400, {"error": "invalid_grant", "error_codes": [4242]}).explanation == unknown.explanation
    known = verdict_for_code(50126)
    assert (known.category, known.error_code, known.detail, known.message) == (
        WRONG_PASSWORD, 50126, "", load_codes()[50126].explanation)


def test_password_verified_by_category() -> None:
    assert [password_verified(c) for c in ("success", "password_ok_mfa_required", "password_ok_x", WRONG_PASSWORD,
                                           "account_problem", UNKNOWN, "")] == [True, True, True, False, None, None, None]


def test_json_body_never_raises() -> None:
    assert json_body(b'{"a": 1}') == {"a": 1}
    assert json_body(b"[" * 100000) is None and json_body(b"1" * 5000) is None and json_body(b"\xff") is None
    assert json_body(b"") is None
