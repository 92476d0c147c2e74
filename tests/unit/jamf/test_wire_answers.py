"""Whatever JSON Jamf Pro answers, the readers return a value or raise ValueError, never another
exception (which the CLI would turn into exit 70), and what they return can be sent back."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from profilegen.jamf.scope import merge_scope, parse_scope, scope_xml
from profilegen.jamf.wire import created_id, profile_list, stored_profile

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
                    st.sampled_from(["\ud800", "a\nb", "\x00", "Infinity"]))
KEYS = st.sampled_from(["id", "name", "computer_groups", "exclusions", "limitations", "users", "all_computers",
                        "computers", "ibeacons", "jss_users", "mobile_devices"])
JSON = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(KEYS, inner, max_size=5)), max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_scope_reader_total(raw: Any) -> None:
    try:
        scope = parse_scope(raw)
    except ValueError:
        return
    body = scope_xml(merge_scope(scope, all_computers=None, groups=["G & <H>"], exclude_groups=None))
    body.encode("utf-8")  # no lone surrogate reaches the wire


@settings(max_examples=300, deadline=None)
@given(JSON, JSON)
def test_profile_readers_total(general: Any, scope: Any) -> None:
    for data in ({"os_x_configuration_profile": {"general": general, "scope": scope}},
                 {"os_x_configuration_profile": {"general": {"payloads": "<plist/>", **(general if isinstance(general, dict) else {})}}},
                 {"os_x_configuration_profiles": general}):
        for read in (stored_profile, profile_list):
            try:
                read(data)
            except ValueError:
                pass


@given(st.binary(max_size=64) | st.sampled_from([b"<id>" + b"9" * 5000 + b"</id>", b"<id>0</id>", b"<id> 12 </id>"]))
def test_created_id_total(body: bytes) -> None:
    value = created_id(body)
    assert value is None or 0 < value < 1 << 63
