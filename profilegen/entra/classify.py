"""Classify Entra token-endpoint answers and sign-in log codes into the issue's categories.

Pure functions over bytes and ints. The code table is data (``codes.json``, one source URL per
entry). Classification reads ``error_codes[0]``, else ``AADSTS(\\d+)`` in ``error_description``;
it never looks for words in the raw body, because a Conditional Access challenge carries the
literal text ``access_token`` inside its ``claims`` string
(https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

SUCCESS = "success"
WRONG_PASSWORD = "wrong_password"
CONFIGURATION_PROBLEM = "configuration_problem"
TRANSIENT = "transient"
UNKNOWN = "unknown"
# The categories, in the order reports list them (issue 5).
CATEGORIES: tuple[str, ...] = (
    SUCCESS,
    "password_ok_mfa_required",
    "password_ok_blocked_by_policy",
    "password_ok_action_required",
    WRONG_PASSWORD,
    "account_problem",
    CONFIGURATION_PROBLEM,
    TRANSIENT,
    UNKNOWN,
)


def password_verified(category: str) -> bool | None:
    """True when Entra accepted the password, False when it refused it, None when unknown."""
    if category == SUCCESS or category.startswith("password_ok_"):
        return True
    if category == WRONG_PASSWORD:
        return False
    return None


# Said when no code-specific explanation applies.
CATEGORY_TEXT: dict[str, str] = {
    SUCCESS: "The password was right and Entra issued tokens (no MFA was required for these scopes).",
    "password_ok_mfa_required": "The password was right; Entra withheld the token because MFA is required.",
    "password_ok_blocked_by_policy": "The password was right; a Conditional Access policy blocked the token.",
    "password_ok_action_required": "The password was right, but the account must do something first.",
    WRONG_PASSWORD: "Wrong username or password.",
    "account_problem": "The account cannot sign in; whether the password is right is unknown.",
    CONFIGURATION_PROBLEM: "The app registration, tenant or request is wrong; the password was not checked.",
    TRANSIENT: "A network or service problem; the password was not checked. Try again later.",
    UNKNOWN: "Entra's answer is not one profilegen knows; the password may or may not be right.",
}

# Entra codes have at most 7 digits; a longer run is not a code (and int() of 4,300+ digits raises).
AADSTS_RE = re.compile(r"AADSTS(\d{1,9})(?!\d)")
# OAuth error classes (RFC 6749 section 5.2 plus Entra's own) for answers that carry no code.
OAUTH_ERROR_CATEGORY = {
    "temporarily_unavailable": TRANSIENT,
    "invalid_client": CONFIGURATION_PROBLEM,
    "unauthorized_client": CONFIGURATION_PROBLEM,
    "invalid_tenant": CONFIGURATION_PROBLEM,
    "invalid_scope": CONFIGURATION_PROBLEM,
    "invalid_request": CONFIGURATION_PROBLEM,
    "unsupported_grant_type": CONFIGURATION_PROBLEM,
    "invalid_resource": CONFIGURATION_PROBLEM,
}


@dataclass(frozen=True)
class CodeInfo:
    code: int
    category: str
    name: str
    password_verified: bool | None
    evidence: str
    explanation: str
    source: str


@dataclass(frozen=True)
class Verdict:
    """One classified answer. ``detail`` is what the server said, already free of secrets."""

    category: str
    error_code: int | None
    explanation: str
    detail: str = ""

    @property
    def password_verified(self) -> bool | None:
        return password_verified(self.category)

    @property
    def message(self) -> str:
        return f"{self.explanation} Entra said: {self.detail}" if self.detail else self.explanation


@lru_cache(maxsize=1)
def load_codes() -> dict[int, CodeInfo]:
    """The packaged code table, checked for internal consistency."""
    raw = json.loads(resources.files("profilegen.entra").joinpath("codes.json").read_text("utf-8"))
    table: dict[int, CodeInfo] = {}
    for key, entry in raw["codes"].items():
        info = CodeInfo(code=int(key), **entry)
        if info.category not in CATEGORIES or info.password_verified != password_verified(info.category):
            raise ValueError(f"codes.json: {key}: category and password_verified disagree")
        table[info.code] = info
    return table


@lru_cache(maxsize=1024)  # asked twice per row of an export; bounded, whatever codes a file holds
def category_for_code(code: int) -> str:
    """Category of one AADSTS code; 0 is a successful sign-in (Graph signInStatus.errorCode)."""
    if code == 0:
        return SUCCESS
    info = load_codes().get(code)
    return info.category if info else UNKNOWN


def verdict_for_code(code: int, detail: str = "") -> Verdict:
    info = load_codes().get(code)
    if info is None:
        return Verdict(UNKNOWN, code, f"AADSTS{code} is not in profilegen's table. {CATEGORY_TEXT[UNKNOWN]}", detail)
    return Verdict(info.category, code, info.explanation, detail)


def error_code_of(body: dict[str, Any]) -> int | None:
    """``error_codes[0]`` when it is an int, else the first AADSTSnnnn in ``error_description``."""
    codes = body.get("error_codes")
    first = codes[0] if isinstance(codes, list) and codes else None
    # Entra codes are small positive ints; anything else is not a code.
    if isinstance(first, int) and not isinstance(first, bool) and 0 <= first < 10**9:
        return first
    description = body.get("error_description")
    if isinstance(description, str):
        match = AADSTS_RE.search(description)
        if match:
            return int(match.group(1))
    return None


def _first_line(text: str) -> str:
    """Entra's descriptions end in '\\r\\nTrace ID: ...'; the first line is the useful part."""
    return text.strip().splitlines()[0].strip() if text.strip() else ""


def json_body(body: bytes) -> Any:
    """The JSON value of an HTTP body, or None when it is not UTF-8 JSON.

    Whatever a server sends, this returns: nesting deeper than the interpreter's recursion
    limit raises RecursionError inside json, and an integer of more than 4,300 digits a
    ValueError (Python's int/str conversion limit); both are "not a usable JSON body"."""
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def classify_token_response(status: int, body: bytes) -> Verdict:
    """Classify one token-endpoint answer (any status) from its status and raw body."""
    data = json_body(body)
    if not isinstance(data, dict):
        if status >= 500 or status == 429:
            return Verdict(TRANSIENT, None, f"HTTP {status} without a JSON body. {CATEGORY_TEXT[TRANSIENT]}")
        # RFC 6749 section 5.1/5.2: a token endpoint answers with a JSON object, errors included.
        # Anything else (HTML, text, a bare array, JSON nested too deep to read) came from
        # something that is not Entra's token endpoint: the URL is wrong.
        return Verdict(CONFIGURATION_PROBLEM, None, f"HTTP {status} without a JSON object body; the URL is not an "
                       f"OAuth token endpoint. {CATEGORY_TEXT[CONFIGURATION_PROBLEM]}")
    # Tokens alone are success; a body that also carries an error or error codes is classified by
    # them (a proxy or a misbehaving endpoint can merge both; the error is the safer reading).
    if status == 200 and isinstance(data.get("access_token"), str) and "error" not in data and "error_codes" not in data:
        return Verdict(SUCCESS, None, CATEGORY_TEXT[SUCCESS])
    description = data.get("error_description")
    detail = _first_line(description) if isinstance(description, str) else ""
    code = error_code_of(data)
    if code is not None:
        return verdict_for_code(code, detail)
    error = data.get("error")
    if isinstance(error, str) and error in OAUTH_ERROR_CATEGORY:
        category = OAUTH_ERROR_CATEGORY[error]
        return Verdict(category, None, f"OAuth error {error}. {CATEGORY_TEXT[category]}", detail)
    if status >= 500 or status == 429:
        return Verdict(TRANSIENT, None, f"HTTP {status}. {CATEGORY_TEXT[TRANSIENT]}", detail)
    return Verdict(UNKNOWN, None, f"HTTP {status}. {CATEGORY_TEXT[UNKNOWN]}", detail)
