"""Conditional Access designs (issue 9 §3.1): which design the scopes implement, in both directions.

Every profile here is written by the test from Jamf's own examples: design A from the
jamf/jamfconnect PDFs, design B from learn.jamf.com, D with no custom scope."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profilegen.entra import designs
from profilegen.rules.findings import Severity
from profilegen.validate.pipeline import validate_bytes
from tests.helpers import CLIENT, SCOPE, TENANT

OTHER = "api://0b9a5c1d-7e2f-4a3b-8c4d-5e6f7a8b9c0d/jamfconnect"
CA_CODES = {"PG402", "PG409", "PG420", "PG421", "PG422"}


def login(oidc: str | None, ropg: str | None, **extra: object) -> bytes:
    prefs: dict[str, object] = {
        "OIDCProvider": "Azure", "OIDCClientID": CLIENT, "OIDCROPGID": CLIENT, "OIDCTenant": TENANT,
        "OIDCRedirectURI": "https://127.0.0.1/jamfconnect", **extra,
    }
    if oidc is not None:
        prefs["OIDCScopes"] = oidc
    if ropg is not None:
        prefs["ROPGScopes"] = ropg
    return plistlib.dumps(prefs, fmt=plistlib.FMT_BINARY)  # binary: any text, control characters too


def ca_findings(data: bytes) -> list[tuple[str, Severity, str]]:
    return [(f.code, f.severity, f.message) for f in validate_bytes(data, "x.login.plist") if f.code in CA_CODES]


def pg420_detail(data: bytes) -> str:
    """The full explanation behind PG420's one line (what validate --explain prints)."""
    (detail,) = [f.detail for f in validate_bytes(data, "x.login.plist") if f.code == "PG420"]
    return detail


# (OIDCScopes, ROPGScopes, design letter, login window keeps MFA under design B)
DESIGNS = [
    pytest.param(f"{SCOPE}+openid+profile+email", "openid+email+profile", "A", None, id="A-jamf-pdf"),
    pytest.param(f"{SCOPE}+openid+profile+email", "openid+email+profile+offline_access", "A", None, id="A-offline"),
    pytest.param("https://contoso.com/jamf/jamfconnect+openid", "openid+profile", "A", None, id="A-https-app-id-uri"),
    pytest.param(None, f"{SCOPE}+openid+email+profile", "B", True, id="B-oidc-default"),
    pytest.param("openid+profile+email", f"{SCOPE}+openid+email+profile", "B", True, id="B-oidc-basic"),
    pytest.param(f"{SCOPE}+openid+email+profile", f"{SCOPE}+openid+email+profile", "B", False, id="B-learn-jamf-step6"),
    pytest.param(None, None, "D", None, id="D-nothing"),
    pytest.param("openid+profile+email", "openid+email+profile", "D", None, id="D-basic"),
    pytest.param("openid+profile+email+offline_access", None, "D", None, id="D-oidc-only"),
]


@pytest.mark.parametrize(("oidc", "ropg", "letter", "login_mfa"), DESIGNS)
def test_each_design_gets_exactly_one_info_and_nothing_else(oidc, ropg, letter, login_mfa):
    found = ca_findings(login(oidc, ropg))
    assert [(c, s) for c, s, _ in found] == [("PG420", Severity.INFO)], found
    message = found[0][2]
    # Issue 20 point 8: one short line, which says where the rest is; the rest is the detail.
    assert message.startswith(f"design {letter} (") and message.endswith("; details: profilegen rules PG420")
    assert len(message) <= 170 and "https://" not in message, message
    detail = pg420_detail(login(oidc, ropg))
    assert detail.startswith(f"design {letter} (") and "Source: https://" in detail
    if letter == "B":
        assert ("keep covering the login window" in detail) is login_mfa
        assert ("the login window skips MFA" in message) is not login_mfa
    assert designs.read_scopes(oidc, ropg).design.letter == letter  # type: ignore[union-attr]


def test_design_messages_say_what_entra_needs():
    cases = ((f"{SCOPE}+openid", "openid+email+profile"), (None, f"{SCOPE}+openid"), (None, None))
    a, b, d = (ca_findings(login(*args))[0][2] for args in cases)
    assert "private API app only" in a and "none on All resources or on Windows Azure Active Directory" in a
    assert "exclude the private API app from every All-resources policy" in b
    assert "AADSTS50076" in d
    a, b, d = (pg420_detail(login(*args)) for args in cases)
    assert "targets the private API app" in a and "no MFA policy targets All cloud apps" in a
    # Issue 20 point 5: after Microsoft's change the check counts as a sign-in to Azure AD Graph.
    assert "no MFA policy targets Windows Azure Active Directory" in a and "00000002-0000-0000-c000-000000000000" in a
    assert "exclude the private API app from every policy on All cloud apps" in b and "does not touch it" in b
    assert "AADSTS50076" in d and "no longer helps" in d and designs.CHANGE_2026 in d
    # design D depends on the tenant's baseline-scopes setting, which survives the rollout
    for phrase in (designs.BASELINE_SETTINGS, "Customize behavior", "Disable enforcement", "does not override"):
        assert phrase in d, phrase
    for text in (a, b, d):  # the rollout date moved; only the page is cited
        assert "March 2026" not in text and "June 15" not in text and "May 13" not in text


# (OIDCScopes, ROPGScopes, the one code expected)
MISFITS = [
    pytest.param(None, "jamfconnect+openid+email+profile", "PG421", id="bare-scope-in-ropg"),
    pytest.param(f"{SCOPE}+openid", "Mail.Read+openid", "PG421", id="graph-permission-in-ropg"),
    pytest.param(f"{SCOPE}+openid", "api://incomplete+openid", "PG421", id="api-uri-without-scope-value"),
    pytest.param(f"{SCOPE}+openid", f"{OTHER}+openid", "PG422", id="two-apis"),
    pytest.param(f"{SCOPE}+{OTHER}+openid", "openid+email", "PG422", id="two-in-oidc"),
    pytest.param(f"{SCOPE}+openid", "email+profile", "PG409", id="ropg-without-openid"),
    pytest.param(None, f"{SCOPE}+email", "PG409", id="design-b-without-openid"),
    pytest.param(f"{SCOPE}+openid+profile+email", None, "PG402", id="2.14-fallback"),
]


@pytest.mark.parametrize(("oidc", "ropg", "code"), MISFITS)
def test_combinations_that_fit_no_design_get_a_warning_and_no_design(oidc, ropg, code):
    found = ca_findings(login(oidc, ropg))
    assert [(c, s) for c, s, _ in found] == [(code, Severity.WARNING)], found
    assert designs.read_scopes(oidc, ropg).design is None


def test_fallback_warning_names_the_version_and_both_fixes():
    [(_, _, message)] = ca_findings(login(f"{SCOPE}+openid", None))
    assert "2.14+" in message and "design A" in message and "design B" in message and "AADSTS50076" in message


def test_not_entra_and_wrong_types_are_left_to_other_rules():
    assert ca_findings(login(f"{SCOPE}+openid", None, OIDCProvider="Okta")) == []
    assert ca_findings(login(None, None, ROPGScopes=42)) == []  # the catalog reports the type (PG3xx)


def test_pg408_is_retired_and_never_reported():
    from profilegen.rules import load_all

    rule = load_all()["PG408"]
    assert rule.retired and rule.check is None and "Retired" in rule.doc
    for oidc, ropg in ((None, None), ("openid", "openid")):
        assert "PG408" not in {f.code for f in validate_bytes(login(oidc, ropg), "x.login.plist")}


SCOPE_WORDS = st.sampled_from(
    ["openid", "profile", "email", "offline_access", "User.Read", "Mail.Read", "jamfconnect", SCOPE, OTHER,
     "https://graph.microsoft.com/User.Read", "api://x", "", "+", " ", "\u00e9", "api://a/b/c"]
)
SCOPE_STRINGS = st.one_of(st.none(), st.lists(SCOPE_WORDS, max_size=6).map("+".join), st.text(max_size=30))


@settings(max_examples=300, deadline=None)
@given(SCOPE_STRINGS, SCOPE_STRINGS)
def test_any_scopes_give_one_design_or_one_misfit_never_both(oidc, ropg):
    reading = designs.read_scopes(oidc, ropg)
    assert (reading.design is None) != (reading.misfit is None)
    found = ca_findings(login(oidc, ropg))
    designs_reported = [f for f in found if f[0] == "PG420"]
    assert len(designs_reported) == (1 if reading.design else 0)
    assert not any(s is Severity.ERROR for _, s, _ in found)


@pytest.mark.parametrize("design", designs.DESIGN_NAMES)
def test_generated_scopes_read_back_as_their_design(design):
    scopes = designs.design_scopes(design, SCOPE)
    letter = {"scoped-policy": "A", "excluded-api": "B"}[design]
    reading = designs.read_scopes(scopes["OIDCScopes"], scopes["ROPGScopes"])
    assert reading.design is not None and reading.design.letter == letter
    assert reading.login_mfa in (None, True)  # B as generated keeps MFA at the login window


def test_case_files_exist_for_new_codes():
    cases = Path(__file__).resolve().parents[2] / "cases"
    for code in ("PG420", "PG421", "PG422"):
        names = [p.name for p in (cases / code).iterdir()]
        assert any(n.startswith("pass-") for n in names) and any(n.startswith("fail-") for n in names)


# QA1 items 1 and 2 (fixed with issue 9 §3.1): design B is named, never told it lacks a custom
# scope or advised to exclude the Jamf Connect app; two different custom scopes are a finding.
def test_design_b_is_not_told_it_has_no_custom_scope():
    found = validate_bytes(login(None, f"{SCOPE}+openid+email+profile"), "b.login.plist")
    assert not any("no custom API scope" in f.message or "exclude the Jamf Connect app" in f.message for f in found)
    assert [f.code for f in found if f.code in CA_CODES] == ["PG420"]


def test_two_different_custom_scopes_are_reported():
    found = validate_bytes(login(f"{SCOPE}+openid+profile+email", f"{OTHER}+openid+email+profile"), "x.login.plist")
    assert any(f.code.startswith("PG4") and f.severity is not Severity.INFO for f in found), found


def test_read_scopes_remembers_answers_for_plausible_sizes_only() -> None:
    """The answers are remembered (issue 21), but a hostile file's huge scope string is not kept."""
    from profilegen.entra.designs import MAX_REMEMBERED, _read_scopes, _remembered, read_scopes

    oidc, ropg = "api://6d1e9a7c-3f2b-4e8d-a1c5-9b7f0e2d4c31/jamfconnect openid profile", "openid profile offline_access"
    assert read_scopes(oidc, ropg) is read_scopes(oidc, ropg) == _read_scopes(oidc, ropg)
    kept = _remembered.cache_info().currsize
    huge = "openid " + "x" * MAX_REMEMBERED
    assert read_scopes(huge, None) == _read_scopes(huge, None)
    assert _remembered.cache_info().currsize == kept
