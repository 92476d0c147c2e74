"""jamf.wire and jamf.compare: the exact bytes sent to the Classic API, what is accepted from it,
and which differences count as a change (issue 23). Shapes: ../shared/reference/jamf-pro-api.md
§2-§4; the identity keys Jamf Pro rewrites: §3."""

from __future__ import annotations

from typing import Any

import pytest

from profilegen.jamf.compare import adopt_identity, placement_changes, profile_changes, settings_view
from profilegen.jamf.scope import Member, Scope
from profilegen.jamf.wire import (
    AUTOMATIC,
    SELF_SERVICE,
    Placement,
    Stored,
    created_id,
    profile_body,
    profile_list,
    shown_name,
    stored_profile,
    whole_id,
    wire_payloads,
)

HEAD = '<?xml version="1.0" encoding="UTF-8"?><os_x_configuration_profile><general>'


def test_wire_payloads() -> None:
    assert wire_payloads("a &amp; b ]]> c") == "<![CDATA[a &amp;amp; b ]]]]><![CDATA[> c]]>"
    assert wire_payloads("") == "<![CDATA[]]>"


def test_create_body_sends_the_safe_defaults() -> None:
    body = profile_body(name="A & B", payloads="<p/>", placement=Placement(), create=True, scope=None)
    assert body == (HEAD + "<name>A &amp; B</name><description></description>"
                    "<distribution_method>Install Automatically</distribution_method>"
                    "<user_removable>false</user_removable><level>computer</level>"
                    "<redeploy_on_update>Newly Assigned</redeploy_on_update>"
                    "<payloads><![CDATA[<p/>]]></payloads></general></os_x_configuration_profile>").encode()


def test_update_body_sends_only_what_an_option_set() -> None:
    assert profile_body(name="N", payloads="x", placement=Placement(), create=False, scope=None) == (
        HEAD + "<name>N</name><redeploy_on_update>Newly Assigned</redeploy_on_update>"
        "<payloads><![CDATA[x]]></payloads></general></os_x_configuration_profile>").encode()
    placement = Placement(category="Sec <1>", description="d", self_service=True, redeploy="all")
    body = profile_body(name="N", payloads="x", placement=placement, create=False, scope=Scope()).decode()
    assert body.startswith(HEAD + "<name>N</name><description>d</description><category><name>Sec &lt;1&gt;</name></category>"
                           "<distribution_method>Make Available in Self Service</distribution_method>"
                           "<redeploy_on_update>All</redeploy_on_update><payloads><![CDATA[x]]></payloads></general><scope>"
                           "<all_computers>false</all_computers>")
    assert body.endswith("</scope></os_x_configuration_profile>")
    off = profile_body(name="N", payloads="x", placement=Placement(self_service=False), create=False, scope=None).decode()
    assert "<distribution_method>Install Automatically</distribution_method>" in off
    assert "<description>" not in off and "<scope>" not in off


@pytest.mark.parametrize(("body", "expected"), [
    (b"<os_x_configuration_profile><id>42</id></os_x_configuration_profile>", 42),
    (b"<x><id> 7 </id></x>", 7),
    (b"<id>0</id>", None),
    (b"<id>" + b"9" * 30 + b"</id>", None),
    (b"<id>" + b"1" * 31 + b"</id>", None),
    (b"<id>-1</id>", None),
    (b"<name>x</name>", None),
    (b" " * 65536 + b"<id>5</id>", None),
])
def test_created_id(body: bytes, expected: int | None) -> None:
    assert created_id(body) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (1, 1), ((1 << 63) - 1, (1 << 63) - 1), (1 << 63, None), (0, None), (-1, None), (True, None), (1.0, None),
    ("7", None), ([1], None), (None, None),
])
def test_whole_id(value: Any, expected: int | None) -> None:
    assert whole_id(value) == expected


def test_profile_list() -> None:
    data = {"os_x_configuration_profiles": [{"id": 1, "name": "A"}, {"id": 2, "name": ""}]}
    assert profile_list(data) == [(1, "A"), (2, "")]
    assert profile_list({"os_x_configuration_profiles": []}) == []
    for bad, message in [
        ([], "no os_x_configuration_profiles list"),
        ({"os_x_configuration_profiles": {"id": 1}}, "no os_x_configuration_profiles list"),
        ({"os_x_configuration_profiles": [{"id": 1, "name": None}]}, "an entry of the profile list is not a whole-number id and a name"),
        ({"os_x_configuration_profiles": [{"id": "1", "name": "A"}]}, "an entry of the profile list is not a whole-number id and a name"),
        ({"os_x_configuration_profiles": [{"id": 1, "name": "\ud800"}]}, "an entry of the profile list is not a whole-number id and a name"),
        ({"os_x_configuration_profiles": [{"id": 1, "name": "A"}, 5]}, "an entry of the profile list is not a whole-number id and a name"),
    ]:
        with pytest.raises(ValueError) as caught:
            profile_list(bad)
        assert str(caught.value) == message


def stored_json(**general: Any) -> dict[str, Any]:
    return {"os_x_configuration_profile": {"general": {"id": 3, "name": "N", "uuid": "U", "payloads": "<p/>", **general}}}


def test_stored_profile() -> None:
    stored = stored_profile(stored_json(description="d", category={"id": 1, "name": "Security"},
                                        distribution_method=SELF_SERVICE))
    assert stored == Stored(3, "N", "U", "<p/>", "Security", "d", SELF_SERVICE, Scope())
    plain = stored_profile(stored_json(category={"name": "No category assigned"}))
    assert (plain.category, plain.description, plain.distribution_method) == (None, "", AUTOMATIC)
    assert stored_profile(stored_json(category={"name": ""})).category is None
    assert stored_profile(stored_json(id=None)).id == 0
    assert stored_profile(stored_json(distribution_method="")).distribution_method == AUTOMATIC


@pytest.mark.parametrize(("data", "message"), [
    ([], "no os_x_configuration_profile"),
    ({"os_x_configuration_profile": []}, "no os_x_configuration_profile"),
    ({"os_x_configuration_profile": {"general": []}}, "no general/payloads"),
    (stored_json(payloads=5), "no general/payloads"),
    (stored_json(id="3"), "general.id is not a whole number"),
    (stored_json(id=0), "general.id is not a whole number"),
    (stored_json(category={"name": 5}), "general.category.name is not text"),
    (stored_json(category={"name": "\udc80"}), "general.category.name is not text"),
    (stored_json(name=5), "general.name is not text"),
    (stored_json(description="\ud800x"), "general.description holds a lone surrogate (not Unicode text)"),
])
def test_stored_profile_refuses_other_shapes(data: Any, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        stored_profile(data)
    assert str(caught.value) == message


def test_shown_name_escapes_controls_and_bidi() -> None:
    assert shown_name("Lab\u202eMacs") == "Lab\\u202eMacs"
    assert shown_name("a\u200eb\u2066c\u061c") == "a\\u200eb\\u2066c\\u061c"
    assert "\n" not in shown_name("a\nprofilegen: forged")
    assert shown_name("Plain name") == "Plain name"


def test_placement_properties() -> None:
    assert not Placement().touches_scope
    assert Placement(all_computers=False).touches_scope and Placement(scope_groups=()).touches_scope
    assert Placement(exclude_groups=("x",)).touches_scope
    scope = Scope(lists={"computer_groups": (Member(1, "A"), Member(None, "B"))})
    stored = Stored(1, "n", "u", "p", None, "", AUTOMATIC, scope)
    assert stored.groups == ("A", "B") and stored.all_computers is False


# -- compare -----------------------------------------------------------------------------------

def mcx_profile(prefs: dict[str, Any], **outer: Any) -> dict[str, Any]:
    inner = {"PayloadType": "com.apple.ManagedClient.preferences", "PayloadUUID": "I", "PayloadIdentifier": "i",
             "PayloadDisplayName": "d", "PayloadEnabled": True,
             "PayloadContent": {"com.jamf.connect.login": {"Forced": [{"mcx_preference_settings": prefs}]}}}
    return {"PayloadType": "Configuration", "PayloadUUID": "O", "PayloadIdentifier": "o", "PayloadDisplayName": "D",
            "PayloadContent": [inner], **outer}


def test_settings_view() -> None:
    assert settings_view(mcx_profile({"A": 1})) == {
        "PayloadType": "Configuration", "login": {"A": 1},
        "PayloadContent[0]": {"PayloadType": "com.apple.ManagedClient.preferences", "PayloadEnabled": True}}
    odd = mcx_profile({"A": 1})
    odd["PayloadContent"][0]["PayloadContent"]["com.jamf.connect.login"]["Set-Once"] = []
    odd["PayloadContent"][0]["PayloadContent"]["other.domain"] = {"Forced": [{"mcx_preference_settings": {}, "x": 1}]}
    odd["PayloadContent"].append("junk")
    view = settings_view(odd)
    assert view["login"] == {"Forced": [{"mcx_preference_settings": {"A": 1}}], "Set-Once": []}
    assert view["other.domain"] == {"Forced": [{"mcx_preference_settings": {}, "x": 1}]}
    assert view["PayloadContent[1]"] == "junk"
    two = mcx_profile({"A": 1})
    two["PayloadContent"].append(two["PayloadContent"][0])
    assert [k for k in settings_view(two) if k.startswith("login")] == ["login", "login#"]
    direct = {"PayloadContent": [{"PayloadType": "com.jamf.connect", "PayloadUUID": "x", "IdPSettings": {}}]}
    assert settings_view(direct) == {"PayloadContent[0]": {"PayloadType": "com.jamf.connect", "IdPSettings": {}}}
    assert settings_view({"PayloadContent": "x"}) == {}


def test_only_identity_differences_are_no_change() -> None:
    ours = mcx_profile({"A": 1})
    theirs = mcx_profile({"A": 1}, PayloadUUID="JAMF", PayloadIdentifier="JAMF", PayloadDisplayName="name in Jamf")
    theirs["PayloadContent"][0].update(PayloadUUID="masked", PayloadIdentifier="masked", PayloadDisplayName="x")
    assert profile_changes(theirs, ours) == []
    changed = mcx_profile({"A": 2, "B": True})
    assert [c.line() for c in profile_changes(theirs, changed)] == ["~ login.A: 1 -> 2", "+ login.B = true"]
    assert [c.line() for c in profile_changes(None, mcx_profile({}))][:2] == [
        '+ PayloadContent[0].PayloadEnabled = true', '+ PayloadContent[0].PayloadType = "com.apple.ManagedClient.preferences"']


def test_placement_changes() -> None:
    stored = Stored(1, "n", "u", "p", "Old", "old", AUTOMATIC, Scope())
    assert placement_changes(stored, Placement(), Scope()) == []
    lines = [c.line() for c in placement_changes(stored, Placement(category="New", description="old", self_service=True),
                                                 Scope(all_computers=True))]
    assert lines == ['~ general.category: "Old" -> "New"',
                     '~ general.distribution_method: "Install Automatically" -> "Make Available in Self Service"',
                     "~ scope.all_computers: false -> true"]
    assert placement_changes(stored, Placement(self_service=False), Scope()) == []


def test_adopt_identity() -> None:
    ours = {"PayloadUUID": "mine", "PayloadIdentifier": "com.mine", "X": [1]}
    assert adopt_identity(ours, {"PayloadUUID": "JAMF-U", "PayloadIdentifier": "JAMF-I"}, "GEN") == {
        "PayloadUUID": "JAMF-U", "PayloadIdentifier": "JAMF-I", "X": [1]}
    assert adopt_identity(ours, {"PayloadUUID": "", "PayloadIdentifier": 5}, "GEN") == {
        "PayloadUUID": "GEN", "PayloadIdentifier": "GEN", "X": [1]}
    assert adopt_identity(ours, None, "") == ours
    copied = adopt_identity(ours, None, "GEN")
    copied["X"].append(2)
    assert ours["X"] == [1]  # a deep copy: the caller's profile is not changed
