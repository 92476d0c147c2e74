"""Writes the rule case folders: tests/cases/<CODE>/{pass,fail}-*.

Run `python tests/cases/make_cases.py` after adding a rule; review and commit the files. The
cases are ours: small profiles built from the minimum Entra setup with one thing changed.
"""

from __future__ import annotations

import copy
import plistlib
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
T = "8eaef023-2b34-4da1-9baa-8bc8c9d6a490"
C = "2f0c6a1e-5b7d-4c19-9e3a-7d1b2c3e4f50"
S = "api://6d1e9a7c-3f2b-4e8d-a1c5-9b7f0e2d4c31/jamfconnect"

LOGIN: dict[str, Any] = {
    "OIDCProvider": "Azure",
    "OIDCClientID": C,
    "OIDCROPGID": C,
    "OIDCTenant": T,
    "OIDCRedirectURI": "https://127.0.0.1/jamfconnect",
    "OIDCScopes": f"{S}+openid+profile+email",
    "ROPGScopes": "openid+email+profile",
}
MENUBAR: dict[str, Any] = {"IdPSettings": {"Provider": "Azure", "ROPGID": C, "TenantID": T}}


def login(**changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(LOGIN)
    for k, v in changes.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = v
    return out


def menubar(**idp: Any) -> dict[str, Any]:
    out = copy.deepcopy(MENUBAR)
    for k, v in idp.items():
        if v is None:
            out["IdPSettings"].pop(k, None)
        else:
            out["IdPSettings"][k] = v
    return out


def profile(domain: str, prefs: dict[str, Any], *, mcx: bool = True, ident: str = "com.example.case", **top: Any) -> dict[str, Any]:
    inner: dict[str, Any] = {
        "PayloadIdentifier": f"{ident}.settings",
        "PayloadUUID": "11111111-2222-4333-8444-000000000001",
        "PayloadVersion": 1,
    }
    if mcx:
        inner["PayloadType"] = "com.apple.ManagedClient.preferences"
        inner["PayloadContent"] = {domain: {"Forced": [{"mcx_preference_settings": prefs}]}}
    else:
        inner["PayloadType"] = domain
        inner.update(prefs)
    doc = {
        "PayloadContent": [inner],
        "PayloadDisplayName": "Case",
        "PayloadIdentifier": ident,
        "PayloadOrganization": "Example",
        "PayloadScope": "System",
        "PayloadType": "Configuration",
        "PayloadUUID": "11111111-2222-4333-8444-000000000000",
        "PayloadVersion": 1,
    }
    doc.update(top)
    return doc


def xml(value: Any) -> bytes:
    return plistlib.dumps(value, fmt=plistlib.FMT_XML)


GOOD_LOGIN_XML = xml(LOGIN)
PROFILE = profile("com.jamf.connect.login", LOGIN)


def mutate(doc: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    node = out
    for p in path[:-1]:
        node = node[p]
    if value is None:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return out


def nested_binary(levels: int) -> bytes:
    node: Any = ["leaf"]
    for _ in range(levels):
        node = [node, node]
    return plistlib.dumps({"Shared": node}, fmt=plistlib.FMT_BINARY)


def _run(*args: Any) -> None:
    subprocess.run([str(a) for a in args], check=True, capture_output=True)


_CA: dict[str, Path] = {}


def case_ca() -> Path:
    """A root CA for the PG113 cases (written as tests/cases/PG113/ca.pem), made once per run."""
    if not _CA:
        t = Path(tempfile.mkdtemp(prefix="profilegen-case-ca."))
        _run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", t / "ca.key", "-out", t / "ca.pem",
             "-days", "3650", "-subj", "/CN=profilegen case root CA/O=Example")
        _CA["dir"] = t
    return _CA["dir"]


def signed(data: bytes, *, bits: int = 2048, keyid: bool = False, by_ca: bool = False) -> bytes:
    """openssl cms -sign: a self-signed signer (or a leaf of case_ca()), RSA of ``bits``, the signer
    named by issuer and serial number, or by subject key identifier with ``keyid``."""
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        (t / "in.plist").write_bytes(data)
        subject = "/CN=profilegen case signer/O=Example"
        if by_ca:
            ca = case_ca()
            (t / "ext.cnf").write_text("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=codeSigning\n"
                                       "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
            _run("openssl", "req", "-new", "-newkey", f"rsa:{bits}", "-nodes", "-keyout", t / "k.pem", "-out", t / "c.csr", "-subj", subject)
            _run("openssl", "x509", "-req", "-in", t / "c.csr", "-CA", ca / "ca.pem", "-CAkey", ca / "ca.key", "-set_serial", "7",
                 "-days", "3650", "-extfile", t / "ext.cnf", "-out", t / "c.pem")
        else:
            _run("openssl", "req", "-x509", "-newkey", f"rsa:{bits}", "-nodes", "-keyout", t / "k.pem", "-out", t / "c.pem",
                 "-days", "3650", "-subj", subject)
        _run("openssl", "cms", "-sign", "-nodetach", "-outform", "DER", "-in", t / "in.plist", "-signer", t / "c.pem",
             "-inkey", t / "k.pem", "-binary", *(["-keyid"] if keyid else []), "-out", t / "out.der")
        return (t / "out.der").read_bytes()


def flip(data: bytes, at: int) -> bytes:
    """One byte changed: what a careless edit or a damaged download does to a signed profile."""
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


def psso_profile(extension_data: dict[str, Any] | None, *, login_payload: bool | str = False, platform: bool = True,
                 extension: str = "com.microsoft.CompanyPortalMac.ssoextension") -> bytes:
    """A Platform SSO profile for Microsoft's Enterprise SSO plug-in (learn.microsoft.com
    use-enterprise-sso-plug-in-macos-with-intune), optionally with a Jamf Connect login window
    payload in the same profile (MCX, or "direct")."""
    sso: dict[str, Any] = {
        "PayloadType": "com.apple.extensiblesso", "PayloadIdentifier": "com.example.case.psso",
        "PayloadUUID": "11111111-2222-4333-8444-000000000009", "PayloadVersion": 1,
        "ExtensionIdentifier": extension, "TeamIdentifier": "UBF8T346G9", "Type": "Redirect",
        "URLs": ["https://login.microsoftonline.com", "https://login.microsoft.com", "https://sts.windows.net"],
    }
    if platform:
        sso["PlatformSSO"] = {"AuthenticationMethod": "UserSecureEnclaveKey", "UseSharedDeviceKeys": True}
    if extension_data is not None:
        sso["ExtensionData"] = extension_data
    doc = profile("com.jamf.connect.login", LOGIN, mcx=login_payload != "direct")
    if not login_payload:
        doc["PayloadContent"] = []
    doc["PayloadContent"].append(sso)
    return xml(doc)


P = "com.jamf.connect.login"
M = "com.jamf.connect"
CASES: dict[str, dict[str, bytes]] = {
    "PG101": {
        "fail-unclosed.login.plist": GOOD_LOGIN_XML.replace(b"</dict>", b"</dict", 1),
        "fail-text.login.plist": b"OIDCProvider = Azure\n",
        "pass-wellformed.login.plist": GOOD_LOGIN_XML,
    },
    "PG102": {
        "fail-xxe.login.plist": b'<?xml version="1.0"?>\n<!DOCTYPE plist [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<plist version="1.0"><dict><key>LoginWindowMessage</key><string>&xxe;</string></dict></plist>\n',
        "fail-laughs.login.plist": b'<?xml version="1.0"?>\n<!DOCTYPE plist [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>\n<plist version="1.0"><dict><key>LoginWindowMessage</key><string>&c;</string></dict></plist>\n',
        "fail-external-dtd-reference.login.plist": b'<?xml version="1.0"?>\n<!DOCTYPE plist SYSTEM "http://127.0.0.1:9/x.dtd">\n<plist version="1.0"><dict><key>LoginWindowMessage</key><string>&ext;</string></dict></plist>\n',
        "pass-public-dtd.login.plist": GOOD_LOGIN_XML,
    },
    "PG103": {
        "fail-value-without-key.login.plist": b'<plist version="1.0"><dict><key>Migrate</key><true/><false/></dict></plist>',
        "fail-bad-integer.menubar.plist": b'<plist version="1.0"><dict><key>PasswordPolicies</key><dict><key>ExpirationCountdownStartDay</key><integer>fifteen</integer></dict></dict></plist>',
        "fail-unknown-element.login.plist": b'<plist version="1.0"><dict><key>Migrate</key><yes/></dict></plist>',
        "pass-valid.login.plist": GOOD_LOGIN_XML,
    },
    "PG104": {
        "fail-duplicate.login.plist": GOOD_LOGIN_XML.replace(b"<key>OIDCTenant</key>", b"<key>OIDCTenant</key><string>x</string><key>OIDCTenant</key>", 1),
        "pass-unique.login.plist": GOOD_LOGIN_XML,
    },
    "PG105": {
        "fail-shared-references.login.plist": nested_binary(24),
        "pass-small-binary.login.plist": plistlib.dumps(LOGIN, fmt=plistlib.FMT_BINARY),
    },
    "PG106": {
        "fail-corrupt-binary.login.plist": b"bplist00" + b"\x00\xff" * 20,
        "fail-array-top.login.plist": xml(["not", "a", "dict"]),
        "pass-binary.login.plist": plistlib.dumps(LOGIN, fmt=plistlib.FMT_BINARY),
    },
    "PG107": {
        "fail-deep.login.plist": b"<plist version=\"1.0\">" + b"<array>" * 150 + b"</array>" * 150 + b"</plist>",
        "pass-shallow.login.plist": GOOD_LOGIN_XML,
    },
    "PG108": {
        "fail-signed.mobileconfig": signed(xml(PROFILE)),
        "fail-keyid-signer.mobileconfig": signed(xml(PROFILE), keyid=True),
        "pass-unsigned.mobileconfig": xml(PROFILE),
    },
    "PG109": {
        "fail-pppc.mobileconfig": xml(mutate(PROFILE, ["PayloadContent", 0, "PayloadType"], "com.apple.TCC.configuration-profile-policy")),
        "fail-actions-domain.mobileconfig": xml(profile("com.jamf.connect.actions", {"Actions": []})),
        "pass-jamf-connect.mobileconfig": xml(PROFILE),
    },
    "PG110": {
        "fail-unnamed.plist": GOOD_LOGIN_XML,
        "pass-named.login.plist": GOOD_LOGIN_XML,
    },
    "PG111": {
        "fail-content-edited.mobileconfig": (lambda d: flip(d, d.index(b"<string>Case</string>") + 11))(signed(xml(PROFILE))),
        "fail-signature-damaged.mobileconfig": (lambda d: flip(d, len(d) - 1))(signed(xml(PROFILE))),
        "pass-intact.mobileconfig": signed(xml(PROFILE)),
        "pass-intact-keyid.mobileconfig": signed(xml(PROFILE), keyid=True),
    },
    "PG112": {
        "fail-rsa-1024.mobileconfig": signed(xml(PROFILE), bits=1024),
        "pass-rsa-2048.mobileconfig": signed(xml(PROFILE)),
    },
    "PG113": {
        "fail-other-signer.mobileconfig": signed(xml(PROFILE)),
        "pass-signed-by-ca-leaf.mobileconfig": signed(xml(PROFILE), by_ca=True),
        "ca.pem": (case_ca() / "ca.pem").read_bytes(),
    },
    "PG201": {
        "fail-no-uuid.mobileconfig": xml(mutate(PROFILE, ["PayloadUUID"], None)),
        "fail-inner-no-identifier.mobileconfig": xml(mutate(PROFILE, ["PayloadContent", 0, "PayloadIdentifier"], None)),
        "fail-no-payloads.mobileconfig": xml(mutate(PROFILE, ["PayloadContent"], [])),
        "pass-complete.mobileconfig": xml(PROFILE),
    },
    "PG202": {
        "fail-version-string.mobileconfig": xml(mutate(PROFILE, ["PayloadVersion"], "1")),
        "fail-enabled-string.mobileconfig": xml(mutate(PROFILE, ["PayloadContent", 0, "PayloadEnabled"], "true")),
        "fail-payload-not-dict.mobileconfig": xml(mutate(PROFILE, ["PayloadContent"], [PROFILE["PayloadContent"][0], 1])),
        "pass-types.mobileconfig": xml(mutate(PROFILE, ["PayloadContent", 0, "PayloadEnabled"], True)),
    },
    "PG203": {
        "fail-version-2.mobileconfig": xml(mutate(PROFILE, ["PayloadContent", 0, "PayloadVersion"], 2)),
        "pass-version-1.mobileconfig": xml(PROFILE),
    },
    "PG204": {
        "fail-not-uuid.mobileconfig": xml(mutate(PROFILE, ["PayloadUUID"], "not-a-uuid")),
        "pass-lowercase-uuid.mobileconfig": xml(mutate(PROFILE, ["PayloadUUID"], "abcdefab-1234-4abc-8def-0123456789ab")),
    },
    "PG205": {
        "fail-same-uuid.mobileconfig": xml(mutate(PROFILE, ["PayloadContent", 0, "PayloadUUID"], "11111111-2222-4333-8444-000000000000")),
        "pass-distinct.mobileconfig": xml(PROFILE),
    },
    "PG206": {
        "fail-same-identifier.mobileconfig": xml(mutate(PROFILE, ["PayloadContent", 0, "PayloadIdentifier"], "com.example.case")),
        "pass-suffixed.mobileconfig": xml(PROFILE),
    },
    "PG207": {
        "fail-twice.mobileconfig": xml(mutate(PROFILE, ["PayloadContent"], [PROFILE["PayloadContent"][0], dict(PROFILE["PayloadContent"][0], PayloadUUID="11111111-2222-4333-8444-000000000002")])),
        "pass-once.mobileconfig": xml(PROFILE),
    },
    "PG208": {
        "fail-scope-computer.mobileconfig": xml(mutate(PROFILE, ["PayloadScope"], "Computer")),
        "pass-system.mobileconfig": xml(PROFILE),
    },
    "PG209": {
        "fail-user-scope.mobileconfig": xml(mutate(PROFILE, ["PayloadScope"], "User")),
        "pass-system.mobileconfig": xml(PROFILE),
    },
    "PG210": {
        "fail-top-type.mobileconfig": xml(mutate(PROFILE, ["PayloadType"], "com.jamf.connect.login")),
        "pass-configuration.mobileconfig": xml(PROFILE),
    },
    "PG211": {
        "fail-no-forced.mobileconfig": xml(mutate(PROFILE, ["PayloadContent", 0, "PayloadContent", P], {"Always": []})),
        "fail-forced-not-list.mobileconfig": xml(mutate(PROFILE, ["PayloadContent", 0, "PayloadContent", P, "Forced"], {"mcx_preference_settings": LOGIN})),
        "pass-direct.mobileconfig": xml(profile(P, LOGIN, mcx=False)),
        "pass-set-once.mobileconfig": xml(mutate(PROFILE, ["PayloadContent", 0, "PayloadContent", P], {"Set-Once": [{"mcx_preference_settings": LOGIN}]})),
    },
    "PG301": {
        "fail-typo.login.plist": xml(login(OIDCClientId=C)),
        "pass-known.login.plist": xml(login(Migrate=True)),
    },
    "PG302": {
        "fail-ropgid-in-login.login.plist": xml(login(ROPGID=C)),
        "fail-clientid-in-menubar.menubar.plist": xml(dict(MENUBAR, OIDCClientID=C)),
        "pass-ropgid-in-menubar.menubar.plist": xml(MENUBAR),
    },
    "PG303": {
        "fail-sync-passwords.login.plist": xml(login(CreateSyncPasswords=True)),
        "fail-timer-string.menubar.plist": xml(dict(MENUBAR, TimerNetworkCheck="15")),
        "fail-gethelp.menubar.plist": xml(dict(MENUBAR, GetHelpType="URL")),
        "pass-jamf-connect-password.login.plist": xml(login(CreateJamfConnectPassword=True)),
    },
    "PG304": {
        "fail-string-bool.login.plist": xml(login(DenyLocal="true")),
        "pass-legacy-timer-is-pg303-only.menubar.plist": xml(dict(MENUBAR, TimerNetworkCheck="15")),
        "pass-window-size-is-pg309.login.plist": xml(login(LoginWindowSize=1024)),
        "fail-nested.menubar.plist": xml(dict(MENUBAR, SignIn={"AutoAuthenticate": 1})),
        "pass-bool.login.plist": xml(login(DenyLocal=True)),
    },
    "PG305": {
        "fail-provider.login.plist": xml(login(OIDCProvider="AzureAD")),
        "fail-helptype.menubar.plist": xml(dict(MENUBAR, UserHelp={"HelpType": "Web"})),
        "pass-entraid.login.plist": xml(login(OIDCProvider="EntraID")),
        "pass-okta-oidc-login-spelling.menubar.plist": xml(menubar(Provider="Okta-OIDC")),
        "pass-okta-oidc-menubar-spelling.menubar.plist": xml(menubar(Provider="Okta OIDC")),
    },
    "PG306": {
        "fail-no-provider.login.plist": xml(login(OIDCProvider=None)),
        "fail-custom-no-discovery.login.plist": xml(login(OIDCProvider="Custom")),
        "fail-okta-no-authserver.login.plist": xml({"OIDCProvider": "Okta"}),
        "fail-google-no-secret.login.plist": xml(login(OIDCProvider="GoogleID")),
        "fail-hybrid-custom-no-discovery.login.plist": xml(login(ROPGProvider="Custom")),
        "fail-empty-client-id.login.plist": xml(login(OIDCClientID="")),
        "fail-no-idpsettings.menubar.plist": xml({"SignIn": {"AutoAuthenticate": True}}),
        "fail-no-provider.menubar.plist": xml(menubar(Provider=None)),
        "fail-elevation-without-switch.menubar.plist": xml(dict(MENUBAR, TemporaryUserPermissions={"UserPromotionDuration": 10})),
        "fail-bare.plist": xml({"OIDCClientID": C, "OIDCTenant": T}),
        "pass-entra.login.plist": xml(LOGIN),
        "pass-okta.login.plist": xml({"OIDCProvider": "Okta", "AuthServer": "contoso.okta.com"}),
        "pass-custom.login.plist": xml(login(OIDCProvider="Custom", OIDCDiscoveryURL="https://idp.example.net/.well-known/openid-configuration")),
        "pass-google.menubar.plist": xml({"IdPSettings": {"Provider": "GoogleID"}}),
        "pass-entra.menubar.plist": xml(MENUBAR),
        "pass-elevation.menubar.plist": xml(dict(MENUBAR, TemporaryUserPermissions={"TemporaryUserPromotion": True})),
    },
    "PG307": {
        "fail-migrate-without-denylocal.login.plist": xml(login(Migrate=True)),
        "fail-migrate-denylocal-false.login.plist": xml(login(Migrate=True, DenyLocal=False)),
        "fail-keychain-with-new-password.login.plist": xml(login(CreateJamfConnectPassword=True, OIDCNewPassword=True)),
        "fail-authserver-without-access-app.login.plist": xml({"OIDCProvider": "Okta", "AuthServer": "contoso.okta.com", "OIDCAuthServer": "aus1a2b3c4"}),
        "fail-admin-swapped.login.plist": xml(login(OIDCProvider="Custom", OIDCDiscoveryURL="https://idp.example.net/.well-known/openid-configuration", OIDCAdmin=["roles"], OIDCAdminAttribute="Admin")),
        "pass-migrate-with-denylocal.login.plist": xml(login(Migrate=True, DenyLocal=True)),
        "pass-migrate-false.login.plist": xml(login(Migrate=False)),
        "pass-keychain-default-password.login.plist": xml(login(CreateJamfConnectPassword=True)),
        "pass-admin-roles.login.plist": xml(login(OIDCAdmin=["Admin"], OIDCAdminAttribute="roles")),
    },
    "PG308": {
        "fail-spaces.login.plist": xml(login(ROPGScopes="openid email profile")),
        "fail-commas.login.plist": xml(login(OIDCScopes="openid,profile,email")),
        "fail-keycloak-spaces.login.plist": xml(login(OIDCProvider="Custom", OIDCScopes="openid profile email roles")),
        "fail-google-spaces.login.plist": xml(login(OIDCProvider="GoogleID", OIDCClientSecret="x", OIDCScopes="openid profile")),
        "fail-okta-oie-plus.login.plist": xml(login(OIDCProvider="OktaIdentityEngine", OIDCScopes="openid+profile+email+groups")),
        "pass-plus.login.plist": xml(LOGIN),
        "pass-okta-oie-spaces.login.plist": xml(login(OIDCProvider="OktaIdentityEngine", OIDCScopes="openid profile email groups")),
        "pass-onelogin-plus.login.plist": xml(login(OIDCProvider="OneLogin", OIDCScopes="openid+profile+groups")),
    },
    "PG309": {
        "fail-window-size-integer.login.plist": xml(login(LoginWindowSize=1024)),
        "pass-window-size-string.login.plist": xml(login(LoginWindowSize="1024x768")),
        "pass-offline-mfa-any.menubar.plist": xml(dict(MENUBAR, OfflineMFAReminder=7)),
    },
    "PG401": {
        "fail-no-tenant.login.plist": xml(login(OIDCTenant=None)),
        "pass-tenant.login.plist": xml(LOGIN),
        "pass-okta-no-tenant.login.plist": xml(login(OIDCProvider="Okta", OIDCTenant=None)),
    },
    "PG402": {
        "fail-no-ropg-scopes.login.plist": xml(login(ROPGScopes=None)),
        "pass-design-a.login.plist": xml(LOGIN),
        "pass-design-b.login.plist": xml(login(OIDCScopes=None, ROPGScopes=f"{S}+openid+email+profile")),
        "pass-no-custom-scope.login.plist": xml(login(OIDCScopes=None, ROPGScopes=None)),
    },
    "PG403": {
        "fail-placeholder.login.plist": xml(login(OIDCClientID="2520sdfsfsfbebfd2-53ffs5e", OIDCROPGID="2520sdfsfsfbebfd2-53ffs5e")),
        "pass-guid.login.plist": xml(LOGIN),
    },
    "PG404": {
        "fail-different.login.plist": xml(login(OIDCROPGID="0b9a5c1d-7e2f-4a3b-8c4d-5e6f7a8b9c0d")),
        "fail-missing.login.plist": xml(login(OIDCROPGID=None)),
        "pass-same.login.plist": xml(LOGIN),
    },
    "PG405": {
        "fail-other-tenant.login.plist": xml(login(OIDCDiscoveryURL="https://login.microsoftonline.com/0b9a5c1d-7e2f-4a3b-8c4d-5e6f7a8b9c0d/v2.0/.well-known/openid-configuration")),
        "fail-common-authority.login.plist": xml(login(OIDCDiscoveryURL="https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration")),
        "fail-unparsable-url.login.plist": xml(login(OIDCDiscoveryURL="https://[bad/.well-known/openid-configuration")),
        "fail-bad-port.login.plist": xml(login(OIDCDiscoveryURL=f"https://login.microsoftonline.com:99999/{T}/v2.0/.well-known/openid-configuration")),
        "fail-not-microsoft.login.plist": xml(login(OIDCDiscoveryURL="https://idp.example.net/.well-known/openid-configuration")),
        "pass-same-tenant.login.plist": xml(login(OIDCDiscoveryURL=f"https://login.microsoftonline.com/{T}/v2.0/.well-known/openid-configuration")),
        "pass-adfs-custom.login.plist": xml(login(ROPGProvider="Custom", ROPGDiscoveryURL="https://adfs.example.net/adfs/.well-known/openid-configuration")),
        "pass-gov-cloud.login.plist": xml(login(OIDCDiscoveryURL=f"https://login.microsoftonline.us/{T}/v2.0/.well-known/openid-configuration")),
        "pass-v1-form.login.plist": xml(login(OIDCDiscoveryURL=f"https://login.microsoftonline.com/{T}/.well-known/openid-configuration")),
        "pass-default-port.login.plist": xml(login(OIDCDiscoveryURL=f"https://login.microsoftonline.com:443/{T}/v2.0/.well-known/openid-configuration")),
        "fail-dot-segments.login.plist": xml(login(OIDCTenant="contoso.onmicrosoft.com", OIDCDiscoveryURL="https://login.microsoftonline.com/contoso.onmicrosoft.com/../fabrikam.onmicrosoft.com/v2.0/.well-known/openid-configuration")),
        "fail-encoded-dot-segments.login.plist": xml(login(OIDCTenant="contoso.onmicrosoft.com", OIDCDiscoveryURL="https://login.microsoftonline.com/contoso.onmicrosoft.com/%2e%2e/fabrikam.onmicrosoft.com/v2.0/.well-known/openid-configuration")),
        "fail-doubled-slash.login.plist": xml(login(OIDCDiscoveryURL=f"https://login.microsoftonline.com//{T}/v2.0/.well-known/openid-configuration")),
        "fail-port-8443.login.plist": xml(login(OIDCDiscoveryURL=f"https://login.microsoftonline.com:8443/{T}/v2.0/.well-known/openid-configuration")),
        "fail-oauth2-path.login.plist": xml(login(OIDCDiscoveryURL=f"https://login.microsoftonline.com/{T}/oauth2/v2.0/.well-known/openid-configuration")),
        "fail-consumers.login.plist": xml(login(OIDCDiscoveryURL="https://login.microsoftonline.com/consumers/v2.0/.well-known/openid-configuration")),
    },
    "PG406": {
        "fail-tenants-differ.mobileconfig": xml(mutate(profile(P, LOGIN), ["PayloadContent"], [
            profile(P, LOGIN)["PayloadContent"][0],
            dict(profile(M, menubar(TenantID="0b9a5c1d-7e2f-4a3b-8c4d-5e6f7a8b9c0d"), ident="com.example.case.m")["PayloadContent"][0],
                 PayloadUUID="11111111-2222-4333-8444-000000000002"),
        ])),
        "pass-agree.mobileconfig": xml(mutate(profile(P, LOGIN), ["PayloadContent"], [
            profile(P, LOGIN)["PayloadContent"][0],
            dict(profile(M, MENUBAR, ident="com.example.case.m")["PayloadContent"][0], PayloadUUID="11111111-2222-4333-8444-000000000002"),
        ])),
        "pass-guid-and-domain-is-pg415.mobileconfig": xml(mutate(profile(P, LOGIN), ["PayloadContent"], [
            profile(P, LOGIN)["PayloadContent"][0],
            dict(profile(M, menubar(TenantID="contoso.onmicrosoft.com"), ident="com.example.case.m")["PayloadContent"][0],
                 PayloadUUID="11111111-2222-4333-8444-000000000002"),
        ])),
    },
    "PG415": {
        "fail-guid-and-domain.mobileconfig": xml(mutate(profile(P, LOGIN), ["PayloadContent"], [
            profile(P, LOGIN)["PayloadContent"][0],
            dict(profile(M, menubar(TenantID="contoso.onmicrosoft.com"), ident="com.example.case.m")["PayloadContent"][0],
                 PayloadUUID="11111111-2222-4333-8444-000000000002"),
        ])),
        "pass-both-guids.mobileconfig": xml(mutate(profile(P, LOGIN), ["PayloadContent"], [
            profile(P, LOGIN)["PayloadContent"][0],
            dict(profile(M, MENUBAR, ident="com.example.case.m")["PayloadContent"][0], PayloadUUID="11111111-2222-4333-8444-000000000002"),
        ])),
    },
    "PG416": {
        "fail-organizations.login.plist": xml(login(OIDCTenant="organizations")),
        "fail-organizations.menubar.plist": xml(menubar(TenantID="organizations")),
        "fail-organizations-url.login.plist": xml(login(OIDCDiscoveryURL="https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration")),
        "pass-guid.login.plist": xml(LOGIN),
        "pass-common-is-pg410.login.plist": xml(login(OIDCTenant="common")),
    },
    "PG409": {
        "fail-no-openid.login.plist": xml(login(OIDCScopes=f"{S}+profile+email")),
        "pass-plus.login.plist": xml(LOGIN),
        "pass-commas-are-pg308.login.plist": xml(login(OIDCScopes="openid,profile")),
    },
    "PG420": {
        "fail-design-a.login.plist": xml(LOGIN),
        "fail-design-b.login.plist": xml(login(OIDCScopes="openid+profile+email", ROPGScopes=f"{S}+openid+email+profile")),
        "fail-design-d.login.plist": xml(login(OIDCScopes=None, ROPGScopes=None)),
        "pass-misfit-fallback.login.plist": xml(login(ROPGScopes=None)),
        "pass-okta.login.plist": xml(login(OIDCProvider="Okta")),
    },
    "PG421": {
        "fail-bare-scope.login.plist": xml(login(OIDCScopes=None, ROPGScopes="jamfconnect+openid+email+profile")),
        "fail-graph-permission.login.plist": xml(login(ROPGScopes="Directory.Read.All+openid")),
        "pass-design-b.login.plist": xml(login(OIDCScopes=None, ROPGScopes=f"{S}+openid+email+profile")),
        "pass-user-read.login.plist": xml(login(ROPGScopes="openid+email+profile+User.Read")),
        "pass-https-app-id-uri.login.plist": xml(login(OIDCScopes=None, ROPGScopes="https://contoso.com/jamf/jamfconnect+openid")),
    },
    "PG422": {
        "fail-two-apis.login.plist": xml(login(ROPGScopes="api://0b9a5c1d-7e2f-4a3b-8c4d-5e6f7a8b9c0d/jamfconnect+openid")),
        "fail-two-in-one-key.login.plist": xml(login(OIDCScopes=f"{S}+api://0b9a5c1d-7e2f-4a3b-8c4d-5e6f7a8b9c0d/jamfconnect+openid")),
        "pass-same-in-both.login.plist": xml(login(ROPGScopes=f"{S}+openid+email+profile")),
        "pass-design-a.login.plist": xml(LOGIN),
    },
    "PG410": {
        "fail-common.login.plist": xml(login(OIDCTenant="common")),
        "fail-garbage.login.plist": xml(login(OIDCTenant="my tenant")),
        "pass-domain.login.plist": xml(login(OIDCTenant="contoso.onmicrosoft.com")),
    },
    "PG411": {
        "fail-no-tenant.menubar.plist": xml(menubar(TenantID=None)),
        "pass-tenant.menubar.plist": xml(MENUBAR),
    },
    "PG412": {
        "fail-consumers.menubar.plist": xml(menubar(TenantID="consumers")),
        "pass-organizations-is-pg416.menubar.plist": xml(menubar(TenantID="organizations")),
        "pass-guid.menubar.plist": xml(MENUBAR),
    },
    "PG413": {
        "fail-placeholder.menubar.plist": xml(menubar(ROPGID="YOUR-CLIENT-ID")),
        "pass-guid.menubar.plist": xml(MENUBAR),
    },
    "PG414": {
        "fail-other-host.menubar.plist": xml(menubar(DiscoveryURL="https://idp.example.net/.well-known/openid-configuration")),
        "pass-adfs.menubar.plist": xml(menubar(DiscoveryURL="https://adfs.example.net/adfs/.well-known/openid-configuration")),
    },
    # issue 20: keys the deployed versions may not read (validate --target-version; the folder's
    # target-version file holds the versions the case is checked against)
    "PG310": {
        "target-version": b"login=2.16,menubar=2.45.1\n",
        "fail-ropg-scopes-login-2.16.login.plist": xml(LOGIN),
        "fail-biometrics-menubar-2.45.menubar.plist": xml({**MENUBAR, "TemporaryUserPermissions": {
            "TemporaryUserPromotion": True, "UserPromotionBiometrics": True}}),
        "fail-url-elevation-in-profile.mobileconfig": xml(profile("com.jamf.connect", {**MENUBAR, "TemporaryUserPermissions": {
            "TemporaryUserPromotion": True, "URLCommandLineElevation": False}})),
        "pass-no-ropg-scopes.login.plist": xml(login(ROPGScopes=None, OIDCScopes=None)),
        "pass-menubar-plain.menubar.plist": xml(MENUBAR),
    },
    "PG311": {
        "target-version": b"2.40\n",
        "fail-entraid-login.login.plist": xml(login(OIDCProvider="EntraID")),
        "fail-entraid-menubar.menubar.plist": xml(menubar(Provider="EntraID")),
        "fail-fido2-menubar.menubar.plist": xml({**MENUBAR, "TemporaryUserPermissions": {
            "TemporaryUserPromotion": True, "VerifyUserPromotionFIDO2": True}}),
        "pass-azure.login.plist": xml(LOGIN),
        "pass-azure.menubar.plist": xml(MENUBAR),
    },
    # issue 20: Platform SSO beside Jamf Connect (Self Service+ password sync; which login window)
    "PG424": {
        "fail-microsoft-prefixes-only.mobileconfig": psso_profile({"AppPrefixAllowList": "com.microsoft.,com.apple."}),
        "fail-no-extension-data.mobileconfig": psso_profile(None),
        "fail-one-of-two.mobileconfig": psso_profile({"AppAllowList": "com.jamf.management"}),
        "fail-near-miss.mobileconfig": psso_profile({"AppAllowList": "com.jamf.managementx, com.jamf.selfservice"}),
        "pass-both-listed.mobileconfig": psso_profile({"AppAllowList": "com.jamf.management, com.jamf.selfserviceplus"}),
        "pass-jamf-prefix.mobileconfig": psso_profile({"AppPrefixAllowList": "com.microsoft.,com.jamf."}),
        "pass-array-form.mobileconfig": psso_profile({"AppAllowList": ["com.jamf.management", "com.jamf.selfserviceplus"]}),
        "pass-sso-extension-without-platform-sso.mobileconfig": psso_profile(None, platform=False),
        "pass-other-extension.mobileconfig": psso_profile(None, extension="com.okta.mobile.auth-service-extension"),
    },
    "PG425": {
        "fail-mcx-login-and-psso.mobileconfig": psso_profile(
            {"AppAllowList": "com.jamf.management,com.jamf.selfserviceplus"}, login_payload=True),
        "fail-direct-login-and-psso.mobileconfig": psso_profile(
            {"AppAllowList": "com.jamf.management,com.jamf.selfserviceplus"}, login_payload="direct"),
        "pass-psso-alone.mobileconfig": psso_profile({"AppAllowList": "com.jamf.management,com.jamf.selfserviceplus"}),
        "pass-login-alone.mobileconfig": xml(profile("com.jamf.connect.login", LOGIN)),
    },
    # issue 20: Self Service+ features whose redirect URI the OIDC app must list too
    "PG423": {
        "fail-fido2.menubar.plist": xml({**MENUBAR, "TemporaryUserPermissions": {"TemporaryUserPromotion": True, "VerifyUserPromotionFIDO2": True}}),
        "fail-fido2-okta.menubar.plist": xml({"IdPSettings": {"Provider": "OktaIdentityEngine", "OktaAuthServer": "contoso.okta.com"},
                                             "TemporaryUserPermissions": {"TemporaryUserPromotion": True, "VerifyUserPromotionFIDO2": True}}),
        "fail-unlock.menubar.plist": xml({**MENUBAR, "Unlock": {"EnableUnlock": True}}),
        "fail-both-in-profile.mobileconfig": xml(profile("com.jamf.connect", {
            **MENUBAR, "Unlock": {"EnableUnlock": True}, "TemporaryUserPermissions": {"TemporaryUserPromotion": True, "VerifyUserPromotionFIDO2": True}})),
        "pass-fido2-off.menubar.plist": xml({**MENUBAR, "TemporaryUserPermissions": {"TemporaryUserPromotion": True, "VerifyUserPromotionFIDO2": False}}),
        "pass-fido2-as-string.menubar.plist": xml({**MENUBAR, "TemporaryUserPermissions": {"TemporaryUserPromotion": True, "VerifyUserPromotionFIDO2": "true"}}),
        "pass-unlock-google.menubar.plist": xml({"IdPSettings": {"Provider": "GoogleID"}, "Unlock": {"EnableUnlock": True}}),
        "pass-plain.menubar.plist": xml(MENUBAR),
    },
    "PG501": {
        "fail-ropg-secret.login.plist": xml(login(ROPGClientSecret="abc123")),
        "fail-menubar-secret.menubar.plist": xml(menubar(ClientSecret="abc123")),
        "pass-no-secret.login.plist": xml(LOGIN),
        "pass-google-secret.login.plist": xml(login(OIDCProvider="GoogleID", OIDCClientSecret="abc123")),
    },
    "PG502": {
        "fail-google-secret.login.plist": xml(login(OIDCProvider="GoogleID", OIDCClientSecret="abc123")),
        "pass-entra-secret-is-pg501.login.plist": xml(login(ROPGClientSecret="abc123")),
    },
    "PG503": {
        "fail-http-help.login.plist": xml(login(HelpURL="http://help.example.net")),
        "fail-http-nested.menubar.plist": xml(menubar(ChangePasswordURL="http://passwords.example.net")),
        "pass-https.login.plist": xml(login(HelpURL="https://help.contoso.com")),
    },
    "PG505": {
        "fail-userinfo.login.plist": xml(login(OIDCDiscoveryURL=f"https://svc:Pa55word@login.microsoftonline.com/{T}/v2.0/.well-known/openid-configuration")),
        "fail-user-only.menubar.plist": xml(menubar(ChangePasswordURL="https://admin@passwords.contoso.com/change")),
        "pass-at-in-path.login.plist": xml(login(HelpURL="https://help.contoso.com/mail/it@contoso.com")),
    },
    "PG504": {
        "fail-bracket-url.login.plist": xml(login(OIDCProvider="Custom", OIDCDiscoveryURL="https://[replace with your tenant].idp.net/.well-known/openid-configuration")),
        "fail-words-id.login.plist": xml(login(OIDCProvider="Custom", OIDCClientID="Client ID from your IdP")),
        "pass-real-url.login.plist": xml(login(HelpURL="https://support.contoso.com/mac")),
    },
}


def main() -> None:
    for code, files in CASES.items():
        folder = HERE / code
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for name, data in files.items():
            (folder / name).write_bytes(data)
    print(f"wrote {sum(map(len, CASES.values()))} cases for {len(CASES)} codes")


if __name__ == "__main__":
    main()
