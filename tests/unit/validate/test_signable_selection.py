"""What `sign` agrees to sign (validate.signable) and which findings --select/--ignore keep
(validate.selection), message for message (issue 23)."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest

from profilegen.core.errors import InputError
from profilegen.rules.findings import Finding, Severity
from profilegen.signing.cms import parse
from profilegen.validate.pipeline import FileResult
from profilegen.validate.selection import Selection, applied, parse_codes
from profilegen.validate.signable import content_to_sign
from tests.cases.make_cases import login

CASES = Path(__file__).resolve().parents[2] / "cases"
SIGNER = "Organization: Example, Common Name: profilegen case signer"


def refused(data: bytes, *, resign: bool = False, validate: bool = True) -> list[str]:
    with pytest.raises(InputError) as caught:
        content_to_sign(data, "p.mobileconfig", resign=resign, validate=validate)
    return list(caught.value.problems)


def test_unsigned_valid_input_is_signed_as_it_is() -> None:
    data = (CASES / "PG108" / "pass-unsigned.mobileconfig").read_bytes()
    for resign in (False, True):
        for validate in (False, True):
            assert content_to_sign(data, "p.mobileconfig", resign=resign, validate=validate) == (data, [])


def test_signed_input_needs_resign_and_gives_its_content() -> None:
    data = (CASES / "PG111" / "pass-intact.mobileconfig").read_bytes()
    for validate in (False, True):
        assert refused(data, validate=validate) == [f"p.mobileconfig: already signed by {SIGNER}; pass --resign to sign its content again"]
        assert content_to_sign(data, "p.mobileconfig", resign=True, validate=validate) == (parse(data).content, [])


def test_a_broken_old_signature_is_noted() -> None:
    data = (CASES / "PG111" / "fail-content-edited.mobileconfig").read_bytes()
    content, notes = content_to_sign(data, "p.mobileconfig", resign=True, validate=True)
    assert content == parse(data).content
    assert notes == ["p.mobileconfig: the old signature did not verify (content digest does not match: the profile was "
                     "changed after it was signed); its content was signed anew"]


def test_damaged_signed_input_is_refused() -> None:
    data = (CASES / "PG111" / "pass-intact.mobileconfig").read_bytes()[:300]
    problems = refused(data, resign=True)
    assert len(problems) == 1 and problems[0].startswith("p.mobileconfig: looks signed but is ")
    assert problems[0].endswith("; give the unsigned profile")


def test_errors_refuse_unless_validation_is_off() -> None:
    data = (CASES / "PG104" / "fail-duplicate.login.plist").read_bytes()
    assert refused(data) == [
        "p.mobileconfig: OIDCTenant: PG104: key 'OIDCTenant' appears twice in one dictionary; keep one",
        "p.mobileconfig: not signed: fix the errors above, or pass --no-validate",
    ]
    assert content_to_sign(data, "p.mobileconfig", resign=False, validate=False) == (data, [])


def test_bare_preferences_are_refused_unless_validation_is_off() -> None:
    data = (CASES / "PG110" / "pass-named.login.plist").read_bytes()
    assert refused(data) == ["p.mobileconfig: bare preferences, not a configuration profile; sign a .mobileconfig "
                             "(generate --file-type mobileconfig)"]
    assert content_to_sign(data, "p.mobileconfig", resign=False, validate=False) == (data, [])


def test_a_warning_alone_does_not_refuse() -> None:
    # A login window profile missing OIDCTenant (PG401, a warning) is signed.
    data = (CASES / "PG108" / "pass-unsigned.mobileconfig").read_bytes()
    assert b"<key>OIDCTenant</key>" in data
    lacking = data.replace(b"<key>OIDCTenant</key>", b"<key>XOIDCTenantX</key>", 1)
    out, notes = content_to_sign(lacking, "p.mobileconfig", resign=False, validate=True)
    assert (out, notes) == (lacking, [])


KNOWN = ("PG101", "PG401", "PG406", "PG420", "PG503")


def test_parse_codes() -> None:
    assert parse_codes([], "--select", KNOWN) == ()
    assert parse_codes(["pg4", " PG503 ,PG101"], "--select", KNOWN) == ("PG4", "PG503", "PG101")
    assert parse_codes(["PG"], "--ignore", KNOWN) == ("PG",)
    with pytest.raises(InputError) as caught:
        parse_codes(["PG420", "PG24O"], "--ignore", KNOWN)
    assert list(caught.value.problems) == ["--ignore: 'PG24O' is not a rule code; give one such as PG420, or a prefix such as PG4 (profilegen rules lists them)"]
    with pytest.raises(InputError) as caught:
        parse_codes(["PG4204"], "--select", KNOWN)
    assert list(caught.value.problems) == ["--select: 'PG4204' is not a rule code; give one such as PG420, or a prefix such as PG4 (profilegen rules lists them)"]
    with pytest.raises(InputError) as caught:
        parse_codes(["PG2"], "--select", KNOWN)
    assert list(caught.value.problems) == ["--select: no rule code starts with PG2; profilegen rules lists the codes"]


def test_selection_keeps() -> None:
    assert Selection().everything and Selection().keeps("PG101") is True
    assert Selection(select=("PG4",)).keeps("PG101") is False and Selection(ignore=("PG4",)).keeps("PG401") is False
    assert not Selection(select=("PG4",)).everything and not Selection(ignore=("PG4",)).everything
    chosen = Selection(select=("PG4", "PG503"), ignore=("PG420",))
    assert [c for c in KNOWN if chosen.keeps(c)] == ["PG401", "PG406", "PG503"]
    assert [c for c in KNOWN if Selection(ignore=("PG4",)).keeps(c)] == ["PG101", "PG503"]
    assert [c for c in KNOWN if Selection(select=("PG42",)).keeps(c)] == ["PG420"]


def test_applied() -> None:
    found = [Finding(c, Severity.WARNING, None, "m") for c in KNOWN]
    results = [FileResult("a", found), FileResult("b", [])]
    same = list(applied(results, Selection()))
    assert same == results and same[0] is results[0]
    kept = list(applied(results, Selection(ignore=("PG4", "PG1"))))
    assert [[f.code for f in r.findings] for r in kept] == [["PG503"], []]
    assert [r.path for r in kept] == ["a", "b"]
    assert [f.code for f in results[0].findings] == list(KNOWN)  # the input is left as it was


def test_bare_preferences_with_errors_name_the_errors() -> None:
    # The errors come first: who fixes them is then told about the envelope.
    data = plistlib.dumps(login(OIDCRedirectURI="http://x"))
    assert refused(data) == ["p.mobileconfig: OIDCRedirectURI: PG503: uses http://; change it to https://",
                             "p.mobileconfig: not signed: fix the errors above, or pass --no-validate"]
