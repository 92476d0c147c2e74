"""Property tests: whatever valid input, generate then parse gives back exactly the input."""

from __future__ import annotations

import plistlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profilegen.generate.models import ProfileConfig
from profilegen.generate.pipeline import generate
from profilegen.generate.render import plist_xml
from tests.helpers import CLIENT, SCOPE, TENANT, prefs_of

# XML 1.0 text: no C0 controls except tab/newline/CR, no surrogates, no U+FFFE/U+FFFF.
XML_CHARS = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters=[chr(c) for c in range(32) if c not in (9, 10, 13)] + ["\x7f", "\ufffe", "\uffff"],
)
TEXT = st.text(XML_CHARS, max_size=40) | st.sampled_from(["&", "<b>", "]]>", '"q"', "'s'", "😀 émoji", "a\r\nb", "\n", "&amp;"])
ROLE = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd")), min_size=1, max_size=12)
ORG = TEXT.filter(lambda s: s.strip() != "" and not any(ord(c) < 32 for c in s))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    message=TEXT,
    hidden=st.lists(TEXT, max_size=4),
    roles=st.lists(ROLE, max_size=3, unique=True),
    organization=ORG,
    days=st.integers(min_value=0, max_value=365),
    auto=st.booleans(),
    style=st.sampled_from(["mcx", "direct"]),
    fmt=st.sampled_from(["mobileconfig", "plist"]),
)
def test_generate_round_trips(message, hidden, roles, organization, days, auto, style, fmt):
    config = ProfileConfig.model_validate(
        {
            "organization": organization,
            "identifier": "com.contoso.jamfconnect",
            "azure": {"tenant": TENANT, "client_id": CLIENT, "custom_scope": SCOPE, "admin_roles": roles},
            "login": {"LoginWindowMessage": message, "MigrateUsersHide": hidden, "DenyLocal": auto},
            "menubar": {"PasswordPolicies": {"ExpirationCountdownStartDay": days}, "SignIn": {"AutoAuthenticate": auto}},
        }
    )
    login, menubar = generate(config, style=style, fmt=fmt)
    lp = prefs_of(login.data)
    assert lp["LoginWindowMessage"] == message
    assert lp["MigrateUsersHide"] == hidden
    assert lp["DenyLocal"] is auto
    assert lp.get("OIDCAdmin", []) == roles
    mp = prefs_of(menubar.data)
    assert mp["PasswordPolicies"]["ExpirationCountdownStartDay"] == days
    if fmt == "mobileconfig":
        assert plistlib.loads(login.data)["PayloadOrganization"] == organization.strip()


VALUES = st.recursive(
    st.none().map(lambda _: True) | st.booleans() | st.integers(-(2**63), 2**63 - 1) | TEXT
    | st.floats(allow_nan=False, allow_infinity=False) | st.binary(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(VALUES)
def test_plist_filter_matches_plistlib(value):
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n' + plist_xml(value, 0) + "\n</plist>\n"
    ).encode()
    assert plistlib.loads(document) == value
