"""variants.diff: the exact lines `profilegen diff` prints, secret paths above all (issue 23)."""

from __future__ import annotations

import datetime as dt
import plistlib

import pytest

from profilegen.core.errors import InputError
from profilegen.variants.diff import HIDDEN, Change, diff_bytes, diff_views, same, show


def lines(a: object, b: object) -> list[str]:
    return [c.line() for c in diff_views(a, b)]  # type: ignore[arg-type]


def test_keys_nested_under_a_secret_key_are_hidden() -> None:
    # The planted bug: a dictionary under OIDCClientSecret printed its values.
    a = {"login": {"OIDCClientSecret": {"value": "OldS3cret"}}}
    b = {"login": {"OIDCClientSecret": {"value": "NewS3cret", "extra": "Added1"}}}
    assert lines(a, b) == ["+ login.OIDCClientSecret.extra = <hidden>", "~ login.OIDCClientSecret.value: <hidden> -> <hidden>"]
    assert lines(b, a) == ["- login.OIDCClientSecret.extra", "~ login.OIDCClientSecret.value: <hidden> -> <hidden>"]


def test_a_secret_added_as_a_dictionary_hides_every_leaf() -> None:
    assert lines({}, {"ROPGClientSecret": {"a": {"b": "S3cret"}}}) == ["+ ROPGClientSecret.a.b = <hidden>"]
    assert lines({}, {"OIDCClientSecret": "S3cret"}) == ["+ OIDCClientSecret = <hidden>"]
    # A misspelled secret key is just as secret (catalog.check.is_secret_key).
    assert lines({"OIDCClientSecert": "a1"}, {"OIDCClientSecert": "b2"}) == ["~ OIDCClientSecert: <hidden> -> <hidden>"]


def test_secrets_inside_lists_and_added_containers_are_hidden() -> None:
    a = {"List": [{"ClientSecret": "Old1"}]}
    b = {"List": [{"ClientSecret": "New2"}, {"ClientSecret": "New3", "x": 1}], "Plain": [{"ClientSecret": "New4"}]}
    assert lines(a, b) == [
        "~ List[0].ClientSecret: <hidden> -> <hidden>",
        "+ List[1].ClientSecret = <hidden>",
        "+ List[1].x = 1",
        '+ Plain = [{"ClientSecret": "<hidden>"}]',
    ]
    assert show({"OIDCClientSecret": "x", "Other": "y"}) == '{"OIDCClientSecret": "<hidden>", "Other": "y"}'
    assert show([{"a": [{"ROPGClientSecret": 1}]}]) == '[{"a": [{"ROPGClientSecret": "<hidden>"}]}]'


def test_a_removed_secret_dictionary_prints_only_paths() -> None:
    assert lines({"OIDCClientSecret": {"v": "S3cret"}, "K": {"a": 1, "b": {"c": 2}}}, {}) == [
        "- K.a", "- K.b.c", "- OIDCClientSecret.v"]


def test_lines_of_each_kind() -> None:
    assert Change("+", "a.b", new="x").line() == '+ a.b = "x"'
    assert Change("-", "a.b").line() == "- a.b"
    # A removed list member (jamf scope, issue 18) names what left; a secret one stays hidden.
    assert Change("-", "a.b", old="x").line() == '- a.b = "x"'
    assert Change("-", "a.b", old="x", secret=True).line() == "- a.b = <hidden>"
    assert Change("~", "a.b", "x", 2).line() == '~ a.b: "x" -> 2'
    assert Change("~", "a.b", "x", 2, secret=True).line() == "~ a.b: <hidden> -> <hidden>"
    assert Change("+", "a\nb", new="x").line() == '+ a\\nb = "x"'
    assert HIDDEN == "<hidden>"


def test_empty_containers_and_list_lengths() -> None:
    assert lines({"D": {}}, {}) == ["- D"]
    assert lines({}, {"D": {}}) == ["+ D = {}"]
    assert lines({"L": [{"a": 1}, {"b": 2}]}, {"L": [{"a": 1}]}) == ["- L[1].b"]
    assert lines({"L": [1, 2]}, {"L": [1, 2, 3]}) == ["~ L: [1, 2] -> [1, 2, 3]"]
    assert lines({"L": [[1]]}, {"L": [[1], [2]]}) == ["+ L[1] = [2]"]
    assert lines({"x": 1}, {"x": 1}) == []


@pytest.mark.parametrize(("a", "b", "equal"), [
    (True, 1, False), (1, 1.0, False), (1, 1, True), ({"a": 1}, {"a": 1}, True), ({"a": 1}, {"b": 1}, False),
    ({"a": 1}, {"a": True}, False), ([1, 2], [1, 2], True), ([1], [1, 2], False), ([1, 2], [1], False),
    ([True], [1], False), ("a", "a", True), ("a", "b", False),
    (float("nan"), float("nan"), True), (float("nan"), 1.0, False), ([float("nan")], [float("nan")], True),
])
def test_same_tells_plist_types_apart(a: object, b: object, equal: bool) -> None:
    assert same(a, b) is equal
    assert same(b, a) is equal


def test_data_and_dates_are_shown_by_digest_and_iso_form() -> None:
    assert show(b"ab") == '"<data: 2 bytes, sha256 fb8e20fc2e4c>"'
    assert show(dt.datetime(2026, 1, 2, 3, 4, 5)) == '"2026-01-02T03:04:05"'
    assert show("https://u:p@x.example/") == '"https://<hidden>@x.example/"'


def profile(settings: dict[str, object], **envelope: object) -> bytes:
    inner = {"PayloadType": "com.jamf.connect.login", "PayloadIdentifier": "i.login", "PayloadUUID": "U1",
             "PayloadVersion": 1, **settings}
    outer = {"PayloadType": "Configuration", "PayloadIdentifier": "o", "PayloadUUID": "U0", "PayloadVersion": 1,
             "PayloadDisplayName": "x", "PayloadContent": [inner], **envelope}
    return plistlib.dumps(outer)


def test_payload_ids_and_envelope() -> None:
    a = profile({"OIDCProvider": "Azure"})
    b = profile({"OIDCProvider": "Azure"}, PayloadUUID="U9", PayloadIdentifier="o2")
    changes = [c.line() for c in diff_bytes(a, b, name_a="a.mobileconfig", name_b="b.mobileconfig")]
    assert changes == ['~ PayloadIdentifier: "o" -> "o2"', '~ PayloadUUID: "U0" -> "U9"']
    assert diff_bytes(a, b, name_a="a", name_b="b", ignore_payload_ids=True) == []
    c = profile({"OIDCProvider": "Okta"}, PayloadDisplayName="y")
    changes = [c.line() for c in diff_bytes(a, c, name_a="a.mobileconfig", name_b="c.mobileconfig", ignore_payload_ids=True)]
    assert changes == ['~ PayloadDisplayName: "x" -> "y"', '~ login.OIDCProvider: "Azure" -> "Okta"']


def test_the_same_domain_twice_is_kept_twice() -> None:
    inner = {"PayloadType": "com.jamf.connect.login", "PayloadIdentifier": "i", "PayloadUUID": "U1", "PayloadVersion": 1}
    outer = {"PayloadType": "Configuration", "PayloadIdentifier": "o", "PayloadUUID": "U0", "PayloadVersion": 1,
             "PayloadContent": [{**inner, "A": 1}, {**inner, "PayloadUUID": "U2", "A": 2}]}
    other = {**outer, "PayloadContent": [{**inner, "A": 1}, {**inner, "PayloadUUID": "U2", "A": 3}]}
    changes = [c.line() for c in diff_bytes(plistlib.dumps(outer), plistlib.dumps(other), name_a="a", name_b="b")]
    assert changes == ["~ login#2.A: 2 -> 3"]


def test_both_unreadable_sides_are_named() -> None:
    with pytest.raises(InputError) as caught:
        diff_bytes(b"<plist><dict>", b"not a plist", name_a="a.plist", name_b="b.plist")
    assert [p.split(": ")[0] for p in caught.value.problems] == ["a.plist", "b.plist"]
    assert all(": unreadable: PG1" in p for p in caught.value.problems), caught.value.problems
