"""push: what is refused before sending, what Jamf Pro damages, names, scope, the wire form."""

from __future__ import annotations

import json
import plistlib
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profilegen.jamf.wire import wire_payloads
from tests.cli.test_validate import sign
from tests.entra.conftest import run_cli

from .conftest import jamf
from .fake import CLIENT_ID, CLIENT_SECRET, MCX, FakeJamf, jamf_decode

ARGS = ["--tenant", "contoso.onmicrosoft.com", "--client-id", "00000000-0000-4000-8000-00000000000a",
        "--organization", "Contoso", "--identifier", "com.contoso.jc"]


def generate(out: Path, *extra: str) -> list[Path]:
    result = run_cli(["generate", *ARGS, "--out", str(out), "--force", *extra])
    assert result.exit_code == 0, result.stderr
    return sorted(out.iterdir())


def edit(path: Path, change: Any) -> Path:
    data = plistlib.loads(path.read_bytes())
    change(data)
    path.write_bytes(plistlib.dumps(data))
    return path


def prefs(data: dict[str, Any]) -> dict[str, Any]:
    payload = data["PayloadContent"][0]
    (body,) = payload["PayloadContent"].values()
    return body["Forced"][0]["mcx_preference_settings"]  # type: ignore[no-any-return]


# -- the wire form ---------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("a&<>];\"'ü;#x1 amp lt gt CDATA[]"), max_size=60))
def test_wire_form_survives_jamfs_extra_decoding(value: str) -> None:
    """Reference §3: after XML parsing (CDATA kept verbatim) and Jamf Pro's one extra entity
    decoding, the profile text is exactly what we meant to send."""
    import xml.etree.ElementTree as ET

    text = plistlib.dumps({"v": value}).decode()
    element = ET.fromstring(f"<payloads>{wire_payloads(text)}</payloads>")
    assert jamf_decode(element.text or "") == text


def test_wire_form_splits_cdata_end() -> None:
    assert wire_payloads("a]]>b&c") == "<![CDATA[a]]]]><![CDATA[>b&amp;c]]>"


def test_naive_upload_gets_409_from_the_fake(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    """Without the extra & escaping, a value with &amp; decodes to a bare & (PI-827): 409."""
    [profile, _] = generate(tmp_path / "out")
    edit(profile, lambda d: prefs(d).update(LoginWindowMessage="A & B"))
    form = f"grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={urllib.parse.quote(CLIENT_SECRET)}"
    with urllib.request.urlopen(urllib.request.Request(fake_jamf.base + "/api/oauth/token", data=form.encode())) as r:
        token = json.loads(r.read())["access_token"]
    body = (b"<os_x_configuration_profile><general><name>naive</name><payloads><![CDATA[" + profile.read_bytes()
            + b"]]></payloads></general></os_x_configuration_profile>")
    req = urllib.request.Request(fake_jamf.base + "/JSSResource/osxconfigurationprofiles/id/0", data=body, method="POST",
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/xml"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req)
    assert err.value.code == 409 and b"Unable to update the database" in err.value.read()
    fake_jamf.issued.clear()


def test_fake_answers_xml_by_default(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    """Reference §2: XML unless Accept asks for JSON (our client always asks for JSON)."""
    fake_jamf.add("A & B", "<plist/>")
    fake_jamf.tokens.add("t")
    req = urllib.request.Request(fake_jamf.base + "/JSSResource/osxconfigurationprofiles", headers={"Authorization": "Bearer t"})
    with urllib.request.urlopen(req) as r:
        assert r.read() == (b"<os_x_configuration_profiles><size>1</size><os_x_configuration_profile><id>1</id>"
                            b"<name>A &amp; B</name></os_x_configuration_profile></os_x_configuration_profiles>")


# -- refused before anything is sent -----------------------------------------------------------
def test_validation_errors_stop_the_push(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    [profile, _] = generate(tmp_path / "out")
    edit(profile, lambda d: prefs(d).update(OIDCClientID="not-a-guid"))
    result = jamf(fake_jamf, "push", str(profile))
    assert result.exit_code == 2 and "not pushed because of" in result.stderr and "nothing was sent" in result.stderr
    assert not fake_jamf.requests
    forced = jamf(fake_jamf, "push", str(profile), "--no-validate")
    assert forced.exit_code == 0, forced.stderr


def test_signed_profile_refused(fake_jamf: FakeJamf, tmp_path: Path, openssl: str) -> None:
    [profile, _] = generate(tmp_path / "out")
    signed = sign(openssl, tmp_path, profile, subject="/CN=Signer")
    result = jamf(fake_jamf, "push", str(signed))
    assert result.exit_code == 2 and "signed by" in result.stderr and "push the unsigned profile" in result.stderr
    assert not fake_jamf.requests


@pytest.mark.parametrize(("change", "needle"), [
    (lambda d: prefs(d).update(LoginWindowMessage="Hi 😀"), "U+1F600 (an emoji)"),
    (lambda d: d.update(PayloadDescription="two\nlines"), "PayloadDescription: a line feed or tab"),
    (lambda d: d.update(PayloadOrganization="a\tb"), "PayloadOrganization: a line feed or tab"),
])
def test_lint_refuses_what_jamf_damages(fake_jamf: FakeJamf, tmp_path: Path, change: Any, needle: str) -> None:
    [profile, _] = generate(tmp_path / "out")
    edit(profile, change)
    result = jamf(fake_jamf, "push", str(profile))
    assert result.exit_code == 2 and needle in result.stderr and "or pass --allow-damage" in result.stderr
    assert not fake_jamf.requests
    # With --allow-damage it is pushed, and the read-back shows what Jamf Pro damaged: exit 1.
    forced = jamf(fake_jamf, "push", str(profile), "--allow-damage", "--format", "json")
    assert forced.exit_code == 1
    [entry] = json.loads(forced.stdout)["profiles"]
    assert entry["action"] == "failed" and entry["changes"] and entry["id"] == 1
    assert "stored 1 key(s) differently" in forced.stderr or "key(s) differently" in forced.stderr


def test_extra_entity_layer_on_other_payloads(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    """Reference §3: non-Custom-Settings payloads come back with &amp; (one extra layer)."""
    [profile, _] = generate(tmp_path / "out")
    other = {"PayloadType": "com.example.notes", "PayloadIdentifier": "com.contoso.jc.notes", "PayloadVersion": 1,
             "PayloadUUID": "9C1B7E62-3C43-4F1D-9A52-0B6C3D1E2F70", "Note": "R&D"}
    edit(profile, lambda d: d["PayloadContent"].append(other))
    result = jamf(fake_jamf, "push", str(profile))
    assert result.exit_code == 2 and "comes back from Jamf Pro as &amp;" in result.stderr
    forced = jamf(fake_jamf, "push", str(profile), "--allow-damage", "--no-validate")
    assert forced.exit_code == 1
    assert '~ PayloadContent[1].Note: "R&D" -> "R&amp;D"' in forced.stdout


def test_direct_payload_converted_to_mcx(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    [profile, _] = generate(tmp_path / "out", "--payload-style", "direct")
    edit(profile, lambda d: d["PayloadContent"][0].update(LoginWindowMessage="R&D <team>"))
    result = jamf(fake_jamf, "push", str(profile))
    assert result.exit_code == 0, result.stderr
    assert "direct com.jamf.connect.login payload converted to Custom Settings (MCX)" in result.stderr
    stored = plistlib.loads(fake_jamf.profiles[1].payloads.encode())
    assert stored["PayloadContent"][0]["PayloadType"] == MCX and prefs(stored)["LoginWindowMessage"] == "R&D <team>"
    again = jamf(fake_jamf, "push", str(profile))
    assert again.stdout.startswith("unchanged ")


def test_bare_plist_with_domain(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    [plist] = generate(tmp_path / "out", "--format", "plist", "--component", "login")
    bare = tmp_path / "settings.plist"
    bare.write_bytes(plist.read_bytes())
    result = jamf(fake_jamf, "push", str(bare), "--domain", "login", "--name", "JC Login (bare)")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "created JC Login (bare) (id 1)\n"
    assert "wrapped in a Custom Settings profile" in result.stderr


def test_duplicate_names_in_one_run(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    a = generate(tmp_path / "a")[0]
    b = generate(tmp_path / "b")[0]
    result = jamf(fake_jamf, "push", str(a), str(b))
    assert result.exit_code == 2 and "names must be unique" in result.stderr and not fake_jamf.requests
    assert jamf(fake_jamf, "push", str(a), str(b), "--name", "x").exit_code == 2


# -- Jamf Pro's side of names --------------------------------------------------------------------
def test_found_by_name_case_insensitively(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    [profile, _] = generate(tmp_path / "out")
    assert jamf(fake_jamf, "push", str(profile), "--name", "jamf connect LOGIN").exit_code == 0
    result = jamf(fake_jamf, "push", str(profile), "--name", "Jamf Connect Login")
    assert result.stdout == "unchanged Jamf Connect Login (id 1)\n"


def test_two_names_differing_in_case_are_an_error(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    [profile, _] = generate(tmp_path / "out")
    fake_jamf.add("Jamf Connect Login Window", "<plist/>")
    fake_jamf.add("JAMF Connect Login Window", "<plist/>")
    result = jamf(fake_jamf, "push", str(profile))
    assert result.exit_code == 1
    assert "id 1 'Jamf Connect Login Window', id 2 'JAMF Connect Login Window'" in result.stderr


def test_409_duplicate_name_explained(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    [profile, _] = generate(tmp_path / "out")
    # Another admin's profile of the same name, created after the list was read.
    fake_jamf.add("Jamf Connect Login Window", "<plist/>")
    fake_jamf.unlisted.add("Jamf Connect Login Window")
    result = jamf(fake_jamf, "push", str(profile))
    assert result.exit_code == 1
    assert "HTTP 409: Error: Duplicate name): another profile has this name" in result.stderr


# -- general and scope ----------------------------------------------------------------------------
def test_general_and_scope_options(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    [profile, _] = generate(tmp_path / "out")
    opts = ["--category", "Jamf Connect", "--scope-group", "Sales Macs", "--self-service", "--description", "JC & Entra"]
    assert jamf(fake_jamf, "push", str(profile), *opts).exit_code == 0
    stored = fake_jamf.profiles[1]
    assert (stored.category, stored.groups, stored.distribution_method, stored.description) == (
        "Jamf Connect", ["Sales Macs"], "Make Available in Self Service", "JC & Entra")
    assert stored.redeploy == "Newly Assigned" and stored.all_computers is False
    assert jamf(fake_jamf, "push", str(profile), *opts).stdout.startswith("unchanged")
    assert jamf(fake_jamf, "push", str(profile)).stdout.startswith("unchanged")  # no option: left as it is
    moved = jamf(fake_jamf, "push", str(profile), "--scope-group", "All Staff", "--redeploy", "all")
    assert moved.stdout == "updated Jamf Connect Login Window (id 1): 2 keys\n"  # one group out, one in
    assert stored.groups == ["All Staff"] and stored.redeploy == "All" and stored.category == "Jamf Connect"


def test_unknown_category_and_group_stop_before_any_write(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    profiles = generate(tmp_path / "out")
    result = jamf(fake_jamf, "push", *map(str, profiles), "--scope-group", "Sales Mac", "--scope-group", "All Staff",
                  "--category", "jamf connect")
    assert result.exit_code == 2 and not fake_jamf.writes("POST")
    assert result.stderr.splitlines() == [
        "profilegen: category 'jamf connect': Jamf Pro has no such category; did you mean Jamf Connect?",
        "profilegen: scope group 'Sales Mac': Jamf Pro has no such computer group; did you mean Sales Macs?",
        "profilegen: nothing was sent to Jamf Pro"]


def test_unknown_group_refused_by_jamf_itself(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    """A group deleted between the check and the write: Jamf Pro's 409 is explained, exit 1."""
    profiles = generate(tmp_path / "out")
    fake_jamf.listed_only = {"Gone Macs"}
    result = jamf(fake_jamf, "push", *map(str, profiles), "--scope-group", "Gone Macs")
    assert result.exit_code == 1
    assert "HTTP 409: Error: Problem with computer group in scope: Gone Macs); check the category and scope group names" in result.stderr


@pytest.mark.parametrize("kind", ["empty", "directory", "missing", "garbage", "huge", "manifest-garbage", "not-a-profile"])
def test_bad_files_are_one_line_input_errors(fake_jamf: FakeJamf, tmp_path: Path, kind: str) -> None:
    path = tmp_path / ("manifest.json" if kind.startswith("manifest") else "p.mobileconfig")
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "directory":
        path.mkdir()
    elif kind == "garbage" or kind == "manifest-garbage":
        path.write_bytes(b"\xff\xfe<<&&]]>")
    elif kind == "huge":
        path.write_bytes(b"<plist>" + b" " * (5 << 20))
    elif kind == "not-a-profile":
        path.write_bytes(plistlib.dumps(["a list"]))
    result = jamf(fake_jamf, "push", str(path))
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.startswith("profilegen: ")
    assert not fake_jamf.requests


def test_inner_identity_masked_by_jamf_is_no_change(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    """jamf/terraform-provider-jamfplatform PR #154: inner payload UUIDs masked too (reference §3)."""
    fake_jamf.mask_inner = True
    [profile, _] = generate(tmp_path / "out")
    assert jamf(fake_jamf, "push", str(profile)).exit_code == 0
    stored = plistlib.loads(fake_jamf.profiles[1].payloads.encode())
    assert stored["PayloadContent"][0]["PayloadUUID"] != plistlib.loads(profile.read_bytes())["PayloadContent"][0]["PayloadUUID"]
    again = jamf(fake_jamf, "push", str(profile))
    assert again.stdout == "unchanged Jamf Connect Login Window (id 1)\n" and not fake_jamf.writes("PUT")
