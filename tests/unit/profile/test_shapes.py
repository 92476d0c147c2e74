"""profile.shapes: where the settings are read from, in each shape, and what a user is told about
what was passed over (issue 23)."""

from __future__ import annotations

import plistlib
from typing import Any

import pytest

from profilegen.profile.shapes import Settings, find_settings, infer_component
from profilegen.validate.pipeline import check_bytes
from tests.cases.make_cases import LOGIN, profile

BAD = {**LOGIN, "OIDCClientID": "not-a-guid"}


def mcx(body: dict[str, Any]) -> dict[str, Any]:
    doc = profile("com.jamf.connect.login", {})
    doc["PayloadContent"][0]["PayloadContent"] = body
    return doc


@pytest.mark.parametrize("freq", ["Forced", "Set-Once", "Often"])
def test_every_mcx_frequency_is_read(freq: str) -> None:
    # The planted bug: Set-Once/Often never read, so PG403 disappeared.
    doc = mcx({"com.jamf.connect.login": {freq: [{"mcx_preference_settings": BAD}]}})
    data = plistlib.dumps(doc)
    line = [x.strip() for x in data.splitlines()].index(b"<key>OIDCClientID</key>") + 1
    findings = [(f.code, f.key, f.line) for f in check_bytes(data, "x.mobileconfig").findings if f.code == "PG403"]
    assert findings == [("PG403", "OIDCClientID", line)]
    (settings,), notes = find_settings(doc, "x.mobileconfig", is_profile=True, domain=None)
    assert settings == Settings("com.jamf.connect.login", "login", BAD,
                                f"PayloadContent[0].PayloadContent.com.jamf.connect.login.{freq}[0].mcx_preference_settings", "mcx")
    assert notes == []


def test_several_entries_domains_and_frequencies_in_order() -> None:
    doc = mcx({"com.jamf.connect.login": {"Set-Once": [{"mcx_preference_settings": {"A": 1}}, "junk", {"x": 1},
                                                        {"mcx_preference_settings": {"B": 2}}],
                                          "Forced": [{"mcx_preference_settings": {"C": 3}}]},
               "com.jamf.connect": {"Forced": [{"mcx_preference_settings": {"IdPSettings": {}}}]},
               "com.jamf.connect.actions": {"Forced": [{"mcx_preference_settings": {"Actions": []}}]},
               "com.other": "not a dict"})
    settings, notes = find_settings(doc, "x.mobileconfig", is_profile=True, domain=None)
    base = "PayloadContent[0].PayloadContent"
    assert [(s.domain, s.component, dict(s.data), s.where) for s in settings] == [
        ("com.jamf.connect.login", "login", {"C": 3}, f"{base}.com.jamf.connect.login.Forced[0].mcx_preference_settings"),
        ("com.jamf.connect.login", "login", {"A": 1}, f"{base}.com.jamf.connect.login.Set-Once[0].mcx_preference_settings"),
        ("com.jamf.connect.login", "login", {"B": 2}, f"{base}.com.jamf.connect.login.Set-Once[3].mcx_preference_settings"),
        ("com.jamf.connect", "menubar", {"IdPSettings": {}}, f"{base}.com.jamf.connect.Forced[0].mcx_preference_settings"),
    ]
    assert [(f.code, f.severity.value, f.key, f.message) for f in notes] == [
        ("PG109", "info", f"{base}.com.jamf.connect.actions.Forced[0].mcx_preference_settings",
         "settings for com.jamf.connect.actions are not Jamf Connect login or menu bar keys; passed over")]


def test_direct_payload_keeps_only_its_settings() -> None:
    doc = profile("com.jamf.connect", {"IdPSettings": {"Provider": "Azure"}}, mcx=False)
    doc["PayloadContent"].append({"PayloadType": "com.apple.TCC.configuration-profile-policy", "PayloadUUID": "u"})
    doc["PayloadContent"].append("not a payload")
    settings, notes = find_settings(doc, "x.mobileconfig", is_profile=True, domain=None)
    assert settings == [Settings("com.jamf.connect", "menubar", {"IdPSettings": {"Provider": "Azure"}}, "PayloadContent[0]", "direct")]
    assert [(f.code, f.key, f.message) for f in notes] == [
        ("PG109", "PayloadContent[1].PayloadType",
         "payload 'com.apple.TCC.configuration-profile-policy' is not a Jamf Connect payload; envelope checked, keys passed over")]
    assert find_settings({"PayloadContent": "x"}, "x", is_profile=True, domain=None) == ([], [])


def test_bare_plists() -> None:
    prefs = {"OIDCProvider": "Azure"}
    assert find_settings(prefs, "x.plist", is_profile=False, domain="menubar") == (
        [Settings("com.jamf.connect", "menubar", prefs, "", "bare")], [])
    settings, notes = find_settings(prefs, "com.jamf.connect.login.plist", is_profile=False, domain=None)
    assert [s.component for s in settings] == ["login"] and notes == []
    settings, notes = find_settings(prefs, "x.plist", is_profile=False, domain=None)
    assert [s.component for s in settings] == ["login"]
    assert [(f.code, f.key, f.message) for f in notes] == [
        ("PG110", None, "bare preference plist read as com.jamf.connect.login (from its keys); pass --domain to state it")]
    settings, notes = find_settings({"Actions": []}, "x.plist", is_profile=False, domain=None)
    assert settings == [] and [(f.code, f.message) for f in notes] == [
        ("PG109", "a bare preference plist for another domain (its name or keys say com.jamf.connect.actions); passed over")]


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("com.jamf.connect.login.plist", {}, ("login", "from its file name")),
    ("Com.Jamf.Connect.plist", {}, ("menubar", "from its file name")),
    ("com.jamf.connect.mobileconfig", {}, ("menubar", "from its file name")),
    ("com.jamf.connect.actions.plist", {}, (None, "its name or keys say com.jamf.connect.actions")),
    ("sales-login.plist", {}, ("login", "from its file name")),
    ("blogin.plist", {}, ("login", "by default (no known key decided it)")),
    ("menu_bar.plist", {}, ("menubar", "from its file name (Verify and Sync were the 1.x menu bar apps)")),
    ("verify.plist", {}, ("menubar", "from its file name (Verify and Sync were the 1.x menu bar apps)")),
    ("x.plist", {"IdPSettings": {}}, ("menubar", "from its keys")),
    ("x.plist", {"OIDCProvider": "Azure"}, ("login", "from its keys")),
    ("x.plist", {"NoSuchKey": 1}, ("login", "by default (no known key decided it)")),
])
def test_infer_component(name: str, value: dict[str, Any], expected: tuple[str | None, str]) -> None:
    assert infer_component(value, name) == expected


def test_a_2x_key_outweighs_a_legacy_key_of_the_other_domain() -> None:
    from profilegen.catalog import load_catalog

    login_legacy = next(k for k, v in load_catalog("login").keys.items() if v.legacy and k not in load_catalog("menubar").keys)
    menubar_key = next(k for k, v in load_catalog("menubar").keys.items() if not v.legacy and k not in load_catalog("login").keys)
    assert infer_component({login_legacy: 1, menubar_key: 1}, "x.plist") == ("menubar", "from its keys")
    # A tie goes to the login window.
    login_key = next(k for k, v in load_catalog("login").keys.items() if not v.legacy and k not in load_catalog("menubar").keys)
    assert infer_component({login_key: 1, menubar_key: 1}, "x.plist") == ("login", "from its keys")
