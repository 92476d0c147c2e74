"""PG308: scope strings, for every provider.

Jamf's Advanced Login Authentication Settings page: "If you include multiple scopes, add a '+'
to separate them" (learn.jamf.com/r/en-US/jamf-connect-documentation-current/Advanced_Login_Authentication_Settings).
The exception is Okta's OpenID Connect providers: Jamf's Okta pages say "Okta requires space
delimiters in the scope request" (Add-Groups-Claim-to-OIDC-Identity-Tokens) and the user-role page
says the same for Okta Identity Engine (OpenID_Connect_User_Role_Settings).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from profilegen.rules.findings import Hit, Severity
from profilegen.rules.registry import rule

SPACE_PROVIDERS = ("OktaIdentityEngine", "Okta-OIDC")
SCOPE_KEYS = ("OIDCScopes", "ROPGScopes")


def separator_problem(value: str, provider: Any, *, key: str = "OIDCScopes") -> str | None:
    """Why the separators in ``value`` are wrong for ``provider``, or None. Jamf's Okta note is
    about OIDCScopes; for ROPGScopes with Okta no page says which, so both are accepted."""
    text = value.strip()
    okta = provider in SPACE_PROVIDERS
    if okta and key != "OIDCScopes":
        return "separates scopes with commas; use spaces or '+'" if "," in text else None
    want = "spaces (Jamf: Okta requires space delimiters), e.g. 'openid profile email groups'" if okta else "'+', e.g. openid+email+profile"
    if "," in text:
        return f"separates scopes with commas; separate them with {want}"
    if okta and "+" in text:
        return f"separates scopes with '+'; for {provider} separate them with {want}"
    if not okta and any(c.isspace() for c in text):
        return f"separates scopes with spaces; Jamf Connect expects {want}"
    return None


@rule("PG308", "scope-separator", Severity.WARNING, "login")
def scope_separator(login: Mapping[str, Any]) -> Iterator[Hit]:
    """OIDCScopes or ROPGScopes separated the wrong way: '+' for every provider (Jamf's Advanced
    Login Authentication Settings), spaces for Okta Identity Engine and Okta OIDC (Jamf's Okta
    pages: "Okta requires space delimiters"), commas never. A wrongly separated string reaches the
    IdP as one unknown scope."""
    for key in SCOPE_KEYS:
        value = login.get(key)
        problem = separator_problem(value, login.get("OIDCProvider"), key=key) if isinstance(value, str) else None
        if problem:
            yield Hit(key, problem)
