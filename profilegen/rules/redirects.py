"""PG423: menu bar (Self Service+) features that need another redirect URI on the OIDC app.

Issue 20. The profile cannot show the app registration, so this is an info that names the URI,
the feature that needs it and the blueprint option that registers it; sources in
profilegen.entra.facts (FIDO2_REDIRECT_SOURCE, UNLOCK_REDIRECT_SOURCE).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from profilegen.entra import facts
from profilegen.rules.entra import is_entra_menubar
from profilegen.rules.findings import Hit, Severity
from profilegen.rules.registry import rule


def _flag(menubar: Mapping[str, Any], group: str, key: str) -> bool:
    value = menubar.get(group)
    return isinstance(value, Mapping) and value.get(key) is True


@rule("PG423", "redirect-uri-needed", Severity.INFO, "menubar")
def redirect_uri_needed(menubar: Mapping[str, Any]) -> Iterator[Hit]:
    """A menu bar (Self Service+) feature that signs in through a browser and returns to Jamf
    Connect by a custom URL scheme, so the OIDC app registration must list that redirect URI too:
    TemporaryUserPermissions.VerifyUserPromotionFIDO2 (a passkey/FIDO2 check before privilege
    elevation) needs jamfconnect://loggedin (learn.jamf.com Temporary_User_Permission_Settings), and
    Jamf Unlock (Unlock.EnableUnlock) with Entra ID needs jamfunlock://callback/auth (docs.jamf.com
    2.12.0 Integrating_with_Microsoft_Azure_AD). The profile cannot show the registration; `profilegen
    azure blueprint --fido2-promotion / --unlock` writes it."""
    if _flag(menubar, "TemporaryUserPermissions", "VerifyUserPromotionFIDO2"):
        yield Hit(
            "TemporaryUserPermissions.VerifyUserPromotionFIDO2",
            f"true: register the redirect URI {facts.FIDO2_REDIRECT_URI} on the Jamf Connect OIDC app, or the passkey "
            f"check before elevation cannot return (azure blueprint --fido2-promotion adds it; {facts.FIDO2_REDIRECT_SOURCE})",
        )
    if _flag(menubar, "Unlock", "EnableUnlock") and is_entra_menubar(menubar):
        yield Hit(
            "Unlock.EnableUnlock",
            f"true: register the redirect URI {facts.UNLOCK_REDIRECT_URI} on the Jamf Connect OIDC app for Jamf Unlock "
            f"(azure blueprint --unlock adds it; {facts.UNLOCK_REDIRECT_SOURCE})",
        )
