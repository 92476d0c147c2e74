"""catalog.versions (issue 20 point 1): per-component targets, and what each fact flags."""

from __future__ import annotations

import pytest

from profilegen.catalog import versions
from profilegen.catalog.versions import Targets, parse_targets


@pytest.mark.parametrize(("text", "want"), [
    ("login=3.5,menubar=3.11", Targets((3, 5), (3, 11))),
    (" menubar = 3.12 , login=3.0 ", Targets((3, 0), (3, 12))),
    ("login=3.5", Targets((3, 5), None)),
    ("2.45.1", Targets((2, 45, 1), (2, 45, 1))),  # 2.x was one release for both
])
def test_parse_targets(text, want):
    assert parse_targets(text) == want


@pytest.mark.parametrize(("text", "problem"), [
    ("3.5", "from 3.0 the login window and the menu bar (Self Service+) have their own versions"),
    ("login=3.5,login=3.4", "login given twice"),
    ("loginwindow=3.5", "'loginwindow' is not a component"),
    ("login=", "'' is not a version"),
    ("login=3.x", "'3.x' is not a version"),
    ("login=3.5.1.2.3", "is not a version"),
    ("login=" + "9" * 50, "is not a version"),  # bounded: no huge integers
    ("login=٣.٥", "is not a version"),  # Arabic-Indic digits are not ASCII digits
])
def test_parse_targets_refuses(text, problem):
    with pytest.raises(ValueError) as err:
        parse_targets(text)
    assert problem in str(err.value)


def test_a_key_is_checked_against_its_own_component():
    prefs = {"TemporaryUserPermissions": {"UserPromotionBiometrics": True}}
    assert versions.too_new(prefs, "menubar", Targets((3, 5), (2, 45, 1)))  # menu bar 2.45.1: too old
    assert not versions.too_new(prefs, "menubar", Targets((2, 0), (3, 11)))  # only the menu bar counts
    assert not versions.too_new(prefs, "menubar", Targets((3, 5), None))  # no menu bar target: no claim
    assert not versions.too_new({"ROPGScopes": "openid"}, "login", Targets((2, 17), (2, 0)))


def test_unknown_first_release_only_before_self_service_plus():
    login = {"OIDCProvider": "EntraID"}
    assert versions.unknown_first(login, "login", Targets((2, 40), None))
    assert not versions.unknown_first(login, "login", Targets((3, 0), None))
    assert not versions.unknown_first({"OIDCProvider": "Azure"}, "login", Targets((2, 0), None))
    for fact in (*versions.KEYS.values(), *versions.UNKNOWN.values()):
        assert fact.source and fact.note  # every fact names where it comes from


def test_a_huge_value_is_quoted_short():
    with pytest.raises(ValueError) as err:
        parse_targets("login=" + "1." * 5000 + "1")
    assert len(str(err.value)) < 120 and "...'" in str(err.value)
