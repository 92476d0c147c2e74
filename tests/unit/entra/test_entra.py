"""profilegen.entra: the shared Entra ID facts that models, rules and the Entra commands use."""

from __future__ import annotations

import pytest

from profilegen.entra import facts

GUID = "11111111-2222-3333-4444-555555555555"


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://LOGIN.microsoftonline.com/contoso.onmicrosoft.com/v2.0", "login.microsoftonline.com"),
        ("https://adfs.contoso.com:443/adfs/.well-known/openid-configuration", "adfs.contoso.com"),
        ("not a url", ""),
    ],
)
def test_url_host_is_lower_cased_and_empty_without_a_host(url: str, host: str) -> None:
    assert facts.url_host(url) == host


@pytest.mark.parametrize(
    ("value", "ok"),
    [(GUID, True), (GUID.upper(), True), (facts.EMPTY_GUID, False), ("<client id>", False), ("", False)],
)
def test_is_client_id_wants_a_guid_that_is_not_all_zero(value: str, ok: bool) -> None:
    assert facts.is_client_id(value) is ok


@pytest.mark.parametrize("value", [GUID, "contoso.onmicrosoft.com"])
def test_tenant_problem_accepts_guids_and_domains(value: str) -> None:
    assert facts.tenant_problem(value) is None


@pytest.mark.parametrize("value", ["common", "Consumers", facts.EMPTY_GUID, "not a tenant"])
def test_tenant_problem_names_what_is_wrong(value: str) -> None:
    assert facts.tenant_problem(value)


def test_organizations_is_a_caution_not_a_problem() -> None:
    """ROPC accepts organizations (v2-oauth-ropc); Jamf 2.13 asks for the tenant: advice, no 9001023."""
    assert facts.tenant_problem("Organizations") is None
    advice = facts.tenant_caution("organizations")
    assert advice and "GUID" in advice and "9001023" not in advice
    assert facts.tenant_caution("contoso.onmicrosoft.com") is None
