"""Jamf's own public example profiles (../shared/corpus, read-only): validate reads every file,
never crashes, and reports the real defects the corpus README lists."""

from __future__ import annotations

import json

from profilegen.cli import app


def findings_by_file(runner, corpus):
    result = runner.invoke(app, ["validate", "--format", "json", str(corpus)])
    assert result.exit_code in (0, 1), result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return {e["path"].rsplit("/", 1)[-1]: e["findings"] for e in json.loads(result.stdout)["files"]}


def codes(findings, key=None):
    return {f["code"] for f in findings if key is None or f["key"] == key}


def test_every_file_is_read(runner, corpus):
    files = findings_by_file(runner, corpus)
    expected = {p.name for p in corpus.iterdir() if p.suffix in (".plist", ".mobileconfig")}
    assert set(files) == expected


def test_malformed_file_is_a_clean_finding(runner, corpus):
    f = findings_by_file(runner, corpus)["v1.X_hybrid_Jamf_Connect_Login_Hybrid_ID_ADFS.mobileconfig"]
    assert [x["code"] for x in f] == ["PG101"]
    assert "line 19" in f[0]["message"]


def test_placeholder_client_ids(runner, corpus):
    files = findings_by_file(runner, corpus)
    assert "PG403" in codes(files["v2.X_Azure_AD_com.jamf.connect.login.plist"], "OIDCClientID")
    assert "PG413" in codes(files["v2.X_Azure_AD_com.jamf.connect.plist"], "IdPSettings.ROPGID")


def test_duplicated_identifier(runner, corpus):
    files = findings_by_file(runner, corpus)
    for name in files:
        if name.startswith("v2.X_RapidIdentity"):
            assert "PG206" in codes(files[name]), name


def test_client_secret_with_public_entra_client(runner, corpus):
    f = findings_by_file(runner, corpus)["v1.X_hybrid_Jamf_Connect_Login_Hybrid_ID_PHS.mobileconfig"]
    assert "PG501" in codes(f, "ROPGClientSecret")
    assert not any("secret" in x["message"].lower() and x["key"] is None for x in f)


def test_placeholder_urls(runner, corpus):
    files = findings_by_file(runner, corpus)
    rapid = next(v for k, v in files.items() if "RapidIdentity" in k and "Login" in k)
    assert "PG504" in codes(rapid, "OIDCDiscoveryURL")


def test_other_domains_are_infos(runner, corpus):
    files = findings_by_file(runner, corpus)
    for name in ("PPPC_Jamf-Connect-PPPC-FileVault.mobileconfig", "Notifications_Allow_Jamf_Connect_notifications.mobileconfig",
                 "Actions_com.jamf.connect.actions.plist"):
        assert {x["severity"] for x in files[name]} == {"info"}, files[name]


# The hand-checked table of docs/validate-corpus.md: file -> (code, key) findings. A change here
# must be re-checked by hand and recorded there.
EXPECTED = {
    "v1.X_Jamf_Connect_Login_Custom_IdP.mobileconfig": {("PG504", "OIDCDiscoveryURL")},
    "v1.X_hybrid_Jamf_Connect_Login_Hybrid_ID_PHS.mobileconfig": {
        ("PG401", "OIDCTenant"), ("PG403", "OIDCClientID"), ("PG403", "OIDCROPGID"), ("PG420", "OIDCScopes"), ("PG501", "ROPGClientSecret")},
    "v1.X_hybrid_Jamf_Connect_Verify_Hybrid_ID_ADFS.mobileconfig": {
        ("PG302", "OIDCProvider"), ("PG302", "OIDCDiscoveryURL"), ("PG302", "OIDCClientID"), ("PG302", "OIDCRedirectURI"),
        ("PG303", "TimerLocalCheck"), ("PG303", "TimerNetworkCheck"), ("PG303", "NetworkCheckAutomatically"), ("PG306", "IdPSettings")},
    "v2.X_Azure_AD_com.jamf.connect.login.plist": {
        ("PG307", "Migrate"), ("PG401", "OIDCTenant"), ("PG403", "OIDCClientID"), ("PG403", "OIDCROPGID"), ("PG420", "OIDCScopes")},
    # PG423 (issue 20): the sample turns Jamf Unlock on, which needs jamfunlock://callback/auth on the app
    "v2.X_Azure_AD_com.jamf.connect.plist": {("PG411", "IdPSettings.TenantID"), ("PG413", "IdPSettings.ROPGID"), ("PG423", "Unlock.EnableUnlock")},
    "v2.X_Custom_CyberArk_Identity_com.jamf.connect.login.plist": {("PG502", "OIDCClientSecret"), ("PG502", "ROPGClientSecret")},
    "v2.X_Custom_CyberArk_Identity_com.jamf.connect.plist": {("PG502", "IdPSettings.ClientSecret")},
    "v2.X_Google_com.jamf.connect.login.plist": {("PG307", "CreateJamfConnectPassword"), ("PG307", "Migrate"), ("PG502", "OIDCClientSecret")},
    "v2.X_Google_com.jamf.connect.plist": set(),
    "v2.X_Keycloak_com.jamf.connect.login.plist": {
        ("PG307", "OIDCAdminAttribute"), ("PG308", "OIDCScopes"), ("PG503", "OIDCDiscoveryURL"), ("PG503", "ROPGDiscoveryURL")},
    "v2.X_Keycloak_com.jamf.connect.plist": {
        ("PG503", "IdPSettings.ChangePasswordURL"), ("PG503", "IdPSettings.DiscoveryURL"), ("PG503", "IdPSettings.ResetPasswordURL")},
    "v2.X_Okta_com.jamf.connect.login.plist": {("PG307", "Migrate")},
    "v2.X_Okta_com.jamf.connect.plist": set(),
    "v2.X_OneLogin_com.jamf.connect.login.plist": {("PG307", "Migrate")},
    "v2.X_OneLogin_com.jamf.connect.plist": set(),
    "v2.X_PingOne_PingFederate_com.jamf.connect.login.plist": set(),
    "v2.X_PingOne_PingFederate_com.jamf.connect.plist": set(),
}


def test_hand_checked_table(runner, corpus):
    files = findings_by_file(runner, corpus)
    for name, expected in EXPECTED.items():
        assert {(f["code"], f["key"]) for f in files[name]} == expected, name


def test_one_finding_per_key_on_jamfs_samples(runner, corpus):
    for name, found in findings_by_file(runner, corpus).items():
        keys = [f["key"] for f in found if f["key"] is not None]
        assert len(keys) == len(set(keys)), (name, keys)


def test_no_error_where_jamf_documents_the_value(runner, corpus):
    """Issue 9 §2: no unconfirmed type is an error, and a GUID/domain tenant pair is not PG406."""
    for name, found in findings_by_file(runner, corpus).items():
        assert not [f for f in found if f["code"] in ("PG406", "PG309") and f["severity"] == "error"], name
