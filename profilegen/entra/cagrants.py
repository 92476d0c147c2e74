"""What a Conditional Access policy's grant controls do to each Jamf Connect sign-in.

Grant controls: https://learn.microsoft.com/en-us/graph/api/resources/conditionalaccessgrantcontrols
(``operator`` OR/AND, ``builtInControls`` mfa, block, compliantDevice, domainJoinedDevice,
approvedApplication, compliantApplication, passwordChange; ``authenticationStrength``;
``termsOfUse``; ``customAuthenticationFactors``).

- ROPG cannot answer any interactive control: Entra checks the password first and then refuses
  the token (AADSTS50076 for MFA; CA runs after the first factor, azure-facts.md §2), so every
  such control on the password check is noise in the sign-in log or a refusal.
- The login window is a web view before the Mac has an identity in Entra: it can do MFA, but
  "supports no hardware security keys (PIV/CAC, FIDO2/U2F)" (Jamf, Multifactor_Authentication;
  jamf-connect-keys.md U.3), so a phishing-resistant authentication strength locks users out, and
  so do device controls (compliant / hybrid-joined device), which the unregistered Mac at the login
  window cannot satisfy (jamf/jamfconnect azure_conditional_access PDFs caution against device
  conditions; azure-facts.md §7).
Authentication strengths and their method combinations:
https://learn.microsoft.com/en-us/entra/identity/authentication/concept-authentication-strengths
"""

from __future__ import annotations

from typing import Any

from profilegen.entra import designs
from profilegen.entra.capolicies import Policy, section, strings

# The methods the Jamf Connect login window cannot perform: security keys, smart cards
# (certificate-based authentication) and Windows Hello for Business.
LOGIN_CANNOT = frozenset({"fido2", "windowsHelloForBusiness", "x509CertificateMultiFactor", "x509CertificateSingleFactor"})
NO_SECURITY_KEYS = "https://learn.jamf.com/en-US/bundle/jamf-connect-documentation-current/page/Multifactor_Authentication.html"
DEVICE_CONTROLS = frozenset({"compliantDevice", "domainJoinedDevice", "approvedApplication", "compliantApplication"})
# Best first: with OR the user meets the easiest control, with AND all of them.
RANK = ("ok", "mfa-at-login", "cannot-tell", "mfa-on-ropg", "blocks", "lockout")
BAD = frozenset({"blocks", "lockout"})


def _strength(grant: Any, interactive: bool, resource: str) -> tuple[str, str, str]:
    strength = grant if isinstance(grant, dict) else {}
    name = str(strength.get("displayName") or strength.get("id") or "an authentication strength")
    combos = strength.get("allowedCombinations")
    methods = [{m.strip() for m in c.split(",")} for c in combos if isinstance(c, str)] if isinstance(combos, list) else []
    if any(m == {"password"} for m in methods):
        return "ok", f"authentication strength {name!r} accepts the password alone", ""
    if not interactive:
        return "mfa-on-ropg", f"authentication strength {name!r} asks for more than a password, which ROPG cannot give", ""
    if methods:
        if all(m & LOGIN_CANNOT for m in methods):
            return ("lockout", f"authentication strength {name!r} allows only security keys, certificates or Windows "
                    f"Hello, which the login window does not support ({NO_SECURITY_KEYS})",
                    f"require the built-in Multifactor authentication strength (or mfa) for {resource} instead of {name!r}")
        return "mfa-at-login", f"authentication strength {name!r} allows methods the login window can do", ""
    if "phishing" in name.lower():
        return ("lockout", f"authentication strength {name!r} is phishing-resistant (security keys or certificates), "
                f"which the login window does not support ({NO_SECURITY_KEYS})",
                f"require the built-in Multifactor authentication strength (or mfa) for {resource} instead of {name!r}")
    return ("cannot-tell", f"authentication strength {name!r} without its allowedCombinations in the export",
            "export the policies with authenticationStrength expanded, or check the strength's methods in the portal")


def _control(control: str, interactive: bool, resource: str) -> tuple[str, str, str]:
    if control == "block":
        return "blocks", "blocks access", "exclude the Jamf Connect users from the block, or narrow its conditions"
    if control == "mfa":
        if interactive:
            return "mfa-at-login", "requires MFA, which the login window asks for", ""
        return "mfa-on-ropg", "requires MFA: the password check logs AADSTS50076 (ROPG cannot answer MFA)", ""
    if control in DEVICE_CONTROLS:
        if interactive:
            return ("lockout", f"requires {control}, which the Mac cannot show at the login window (it is not "
                    "registered with Entra there)",
                    f"drop the {control} requirement for {resource}, or exclude {resource} from the policy")
        return "blocks", f"requires {control}; the ROPG request carries no device identity (AADSTS53000-type refusal)", ""
    if control == "passwordChange":
        return ("cannot-tell", "requires a password change (user risk); what Jamf Connect does with it is not documented",
                "check the policy's user-risk condition")
    return "cannot-tell", f"grant control {control!r} is not one profilegen knows", "check the policy in the portal"


def grant_outcome(policy: Policy, interactive: bool, resource: str) -> tuple[str, str, str]:
    """(verdict, why, fix) of the policy's grant controls for one sign-in that the policy covers."""
    grant = section(policy.data, ("grantControls",))
    outcomes: list[tuple[str, str, str]] = [_control(c, interactive, resource) for c in strings(policy.data, ("grantControls",), "builtInControls")]
    if grant.get("authenticationStrength") is not None:
        outcomes.append(_strength(grant.get("authenticationStrength"), interactive, resource))
    for what in ("termsOfUse", "customAuthenticationFactors"):
        if strings(policy.data, ("grantControls",), what):
            outcomes.append(("blocks", f"requires {what}, which ROPG cannot answer", "") if not interactive else
                            ("cannot-tell", f"requires {what}; whether the login window can complete it is not documented",
                             "try a sign-in at the login window with a test user"))
    if not outcomes:
        return "not-applicable", "no grant control (session controls only)", ""
    operator = str(grant.get("operator") or "OR").upper()
    pick = min if operator == "OR" else max
    chosen = pick(outcomes, key=lambda o: RANK.index(o[0]))
    if chosen[0] == "ok":
        return "not-applicable", chosen[1], ""
    if len(outcomes) > 1:
        return chosen[0], f"{chosen[1]} ({operator} of {len(outcomes)} controls)", chosen[2]
    return chosen


def is_problem(verdict: str, key: str, design: designs.Design | None) -> bool:
    """Does this verdict contradict the design? Design D accepts the 50076 entries of ROPG checks."""
    if verdict in BAD:
        return True
    return verdict == "mfa-on-ropg" and design is not designs.D
