"""The key catalog: well-formed data, a source for every key, and the lookups the rules rely on."""

from __future__ import annotations

import json
from typing import Any
from importlib import resources

import pytest

from profilegen.catalog import DOMAINS, load_catalog
from profilegen.catalog.check import IssueKind, check_preferences, suggest

TYPES = {"string", "boolean", "integer", "real", "array", "dict", "date", "data", "any"}


@pytest.mark.parametrize("component", ["login", "menubar"])
def test_every_key_has_type_and_source(component):
    catalog = load_catalog(component)
    assert catalog.domain == DOMAINS[component]
    specs = catalog.walk()
    assert len(specs) > 80
    for spec in specs:
        assert spec.type in TYPES, spec.path
        assert spec.source, spec.path
        assert spec.summary, spec.path
        if spec.legacy:
            assert spec.replacement, spec.path


def test_keys_generate_writes_are_documented():
    login = load_catalog("login")
    for key in ("OIDCProvider", "OIDCClientID", "OIDCROPGID", "OIDCTenant", "OIDCRedirectURI", "OIDCDiscoveryURL",
                "ROPGDiscoveryURL", "OIDCScopes", "ROPGScopes", "OIDCAdmin", "OIDCAdminAttribute"):
        spec = login.lookup(key)
        assert spec is not None and spec.confidence == "doc" and spec.source.startswith("https://"), key
    menubar = load_catalog("menubar")
    for key in ("IdPSettings.Provider", "IdPSettings.ROPGID", "IdPSettings.TenantID", "IdPSettings.DiscoveryURL"):
        spec = menubar.lookup(key)
        assert spec is not None and spec.confidence == "doc", key
    assert "Azure" in login.lookup("OIDCProvider").allowed


@pytest.mark.parametrize(
    "name, candidates, expected",
    [
        ("OIDCClientId", ["OIDCClientID", "OIDCClientSecret"], "OIDCClientID"),
        ("denylocal", ["DenyLocal", "DenyLocalExcluded"], "DenyLocal"),
        ("Migrat", ["Migrate", "MigrateUsersHide"], "Migrate"),
        ("CompletelyDifferent", ["Migrate", "DenyLocal"], None),
    ],
)
def test_suggest(name, candidates, expected):
    assert suggest(name, candidates) == expected


def test_lookup_paths():
    menubar = load_catalog("menubar")
    assert menubar.lookup("TemporaryUserPermissions.UserPromotionRole[].Name").type == "string"
    assert menubar.lookup("IdPSettings.Nope") is None
    assert menubar.lookup("Nope") is None


def test_nested_array_of_dicts_checked():
    menubar = load_catalog("menubar")
    issues = list(check_preferences(menubar, {"TemporaryUserPermissions": {"UserPromotionRole": [{"Name": "Admin", "Duration": "5"}]}}))
    assert [(i.kind, i.path) for i in issues] == [(IssueKind.TYPE, "TemporaryUserPermissions.UserPromotionRole[0].Duration")]


def test_nested_key_at_top_level_names_its_dictionary():
    (issue,) = check_preferences(load_catalog("menubar"), {"ROPGID": "x"})
    assert issue.kind is IssueKind.UNKNOWN and "IdPSettings.ROPGID" in issue.message


def test_secret_values_hidden_in_type_messages():
    issues = list(check_preferences(load_catalog("login"), {"OIDCClientSecret": ["hunter2"]}))
    assert issues and all("hunter2" not in i.message for i in issues)


# QA1 item 11: a login window key inside the menu bar's IdPSettings names the menu bar's key.
@pytest.mark.parametrize(("key", "here"), [
    ("OIDCClientID", "IdPSettings.ROPGID"), ("OIDCROPGID", "IdPSettings.ROPGID"), ("OIDCTenant", "IdPSettings.TenantID"),
    ("OIDCDiscoveryURL", "IdPSettings.DiscoveryURL"), ("ROPGSuccessCodes", "IdPSettings.SuccessCodes"),
])
def test_login_key_inside_idpsettings_names_the_menu_bar_key(key, here):
    prefs = {"IdPSettings": {"Provider": "EntraID", "ROPGID": "x", key: "x"}}
    (issue,) = [i for i in check_preferences(load_catalog("menubar"), prefs) if i.path == f"IdPSettings.{key}"]
    assert issue.kind is IssueKind.OTHER_DOMAIN and here in issue.message, issue


def test_login_key_without_menu_bar_counterpart_says_so():
    prefs = {"IdPSettings": {"Provider": "EntraID", "OIDCRedirectURI": "https://127.0.0.1/jamfconnect"}}
    (issue,) = list(check_preferences(load_catalog("menubar"), prefs))
    assert issue.kind is IssueKind.OTHER_DOMAIN and "no such setting" in issue.message


def test_menu_bar_key_in_the_login_window_names_the_login_key():
    (issue,) = list(check_preferences(load_catalog("login"), {"TenantID": "x"}))
    assert issue.kind is IssueKind.OTHER_DOMAIN and "OIDCTenant" in issue.message


def test_every_counterpart_is_a_login_window_key_with_a_source():
    login = load_catalog("login")
    raw = json.loads(resources.files("profilegen.catalog").joinpath("menubar.json").read_text(encoding="utf-8"))
    for spec in load_catalog("menubar").walk():
        for key in spec.login_counterparts:
            assert key in login.keys and not login.keys[key].legacy, (spec.path, key)
        if spec.login_counterparts:
            assert "docs.jamf.com" in raw["keys"]["IdPSettings"]["keys"][spec.name]["login_counterparts_source"]


def test_change_password_url_entra_default_is_the_2026_one():
    """Issue 20 point 7: Self Service+'s Entra default for IdPSettings.ChangePasswordURL, with its
    source, and the 2.15 value it replaced (jamf-connect-keys.md, 2026 update U.2)."""
    import json
    from importlib import resources

    raw = json.loads(resources.files("profilegen.catalog").joinpath("menubar.json").read_text(encoding="utf-8"))
    entry = raw["keys"]["IdPSettings"]["keys"]["ChangePasswordURL"]
    assert entry["default_entra"] == "https://mysignins.microsoft.com/security-info/password/change"
    assert entry["default_entra_source"].endswith("/Menu_Bar_Authentication_Settings")
    assert entry["default_entra_before"]["value"] == "https://myaccount.microsoft.com/"
    assert "mysignins.microsoft.com/security-info/password/change" in entry["summary"]


def test_data_files_read_beside_the_module_or_through_importlib_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    # The catalog reads its JSON beside catalog/__init__.py (no importlib.resources import on
    # validate's start-up); where that path cannot be read (a zipped install) it falls back.
    import importlib.resources

    from profilegen import catalog

    beside = catalog._data_text("login.json")
    assert beside == importlib.resources.files("profilegen.catalog").joinpath("login.json").read_text(encoding="utf-8")
    monkeypatch.setattr(catalog, "__file__", "/nonexistent/profilegen/catalog/__init__.py")
    assert catalog._data_text("login.json") == beside


def test_admin_and_attribute_are_called_swapped_only_when_oidcadmin_lists_claim_names() -> None:
    from profilegen.catalog import load_catalog
    from profilegen.catalog.relations import relation_issues

    def swapped(admin: list[str], attribute: str) -> list[str]:
        data = {"OIDCAdmin": admin, "OIDCAdminAttribute": attribute}
        return [i.path for i in relation_issues(load_catalog("login"), data) if i.path == "OIDCAdminAttribute"]

    assert swapped(["roles"], "Admin") == ["OIDCAdminAttribute"]
    assert swapped(["Admins"], "SomeRole") == []  # neither looks like a claim: nothing said
    assert swapped(["roles"], "groups") == []


def _related_catalog(*, legacy: bool) -> Any:
    from profilegen.catalog import Catalog, KeySpec, Relation

    needs = Relation(source="https://example.invalid/src", why="A needs B", requires={"B": True})
    keys = {
        "A": KeySpec(name="A", path="A", type="bool", summary="A.", source="s", legacy=legacy, relations=(needs,)),
        "B": KeySpec(name="B", path="B", type="bool", summary="B.", source="s"),
    }
    return Catalog(component="menubar", domain="com.jamf.connect", keys=keys)


def test_relations_of_a_legacy_key_are_not_checked() -> None:
    # The keys _related keeps: those with relations, not legacy (as relation_issues skipped before
    # the list was cached, issue 21). A legacy key is reported by PG303 instead.
    from profilegen.catalog.relations import relation_issues

    data = {"A": True, "B": False}
    assert [i.message for i in relation_issues(_related_catalog(legacy=False), data)] == [
        "is true but B is false; A needs B: set B to true or remove A (source: https://example.invalid/src)"]
    assert list(relation_issues(_related_catalog(legacy=True), data)) == []


def test_related_keys_never_come_from_a_stale_entry() -> None:
    # _related remembers each level by id(); a level freed and another built at the same address
    # must not get the first one's keys: the entry keeps the level and is checked by identity.
    from profilegen.catalog import relations

    fresh = _related_catalog(legacy=False)
    stale = _related_catalog(legacy=True)
    relations._PICKED["related", id(fresh.keys)] = (stale.keys, ())
    try:
        assert [name for name, _ in relations._related(fresh.keys)] == ["A"]
    finally:
        relations._PICKED.pop(("related", id(fresh.keys)), None)
