"""Whatever Jamf Pro answers, and whatever a manifest or an option holds: one clear line, never
exit 70, nothing sent when the input is bad (issue 18 §2-§4)."""

from __future__ import annotations

import json
import plistlib
from pathlib import Path
from typing import Any

import pytest

from tests.entra.conftest import run_cli

from .conftest import ENV as JAMF_ENV
from .conftest import LOGIN_ARGS, LOGIN_NAME, jamf
from .fake import CLIENT_SECRET, FakeJamf
from .test_variants_pull import variants

ARGS, NAME = LOGIN_ARGS, LOGIN_NAME


def _no_traceback(result: Any) -> None:
    assert "Traceback" not in result.stderr and result.exit_code != 70, result.stderr


# -- §2: the manifest is checked whole before anything is sent ----------------------------------
@pytest.fixture(scope="module")
def manifest_text(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = variants(tmp_path_factory.mktemp("departments"))
    return path, path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("variant", "change", "line"), [
    (0, {"jamf": {"all_computers": "false"}}, "variants[0].jamf.all_computers: Input should be a valid boolean"),
    (0, {"jamf": {"self_service": "no"}}, "variants[0].jamf.self_service: Input should be a valid boolean"),
    (1, {"jamf": {"redeploy": "bogus"}}, "variants[1].jamf.redeploy: Input should be 'all' or 'newly-assigned'"),
    (2, {"jamf": {"scope_groups": 5}}, "variants[2].jamf.scope_groups: Input should be a valid array"),
    (2, {"jamf": {"exclude_groups": ["ok", 7]}}, "variants[2].jamf.exclude_groups.1: Input should be a valid string"),
    (1, {"jamf": {"scope_group": ["x"]}}, "variants[1].jamf.scope_group: not a jamf: setting"),
    (1, {"files": [1]}, "variants[1].files[0]: not an object with path and sha256; run variants again"),
    (1, {"files": "a.mobileconfig"}, "variants[1].files: not a list of files; run variants again"),
    (2, {"files": [{"path": "../outside.mobileconfig", "sha256": "0" * 64}]},
     "variants[2].files[0]: path: not the name of a file beside manifest.json"),
])
def test_bad_manifest_sends_nothing(fake_jamf: FakeJamf, manifest_text: tuple[Path, str], tmp_path: Path,
                                    variant: int, change: dict[str, Any], line: str) -> None:
    source, text = manifest_text
    data = json.loads(text)
    for key, value in change.items():
        if isinstance(value, dict):
            data["variants"][variant][key] = {**data["variants"][variant].get(key, {}), **value}
        else:
            data["variants"][variant][key] = value
    path = source.parent / "manifest.json"
    bad = tmp_path / "copy"
    bad.mkdir()
    for f in source.parent.iterdir():
        (bad / f.name).write_bytes(f.read_bytes())
    (bad / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    del path
    result = jamf(fake_jamf, "push", str(bad / "manifest.json"))
    assert result.exit_code == 2, result.stderr
    assert f"profilegen: {bad / 'manifest.json'}: {line}" in result.stderr
    assert not fake_jamf.requests  # not even a token: checked before the credentials are used


def test_deeply_nested_manifest(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    result = jamf(fake_jamf, "push", str(path))
    assert result.exit_code == 2 and result.stderr == (
        f"profilegen: {path}: JSON nested too deeply to be a manifest; give the manifest.json variants wrote\n")
    assert not fake_jamf.requests


def test_variants_check_and_only_with_a_deep_manifest(tmp_path: Path) -> None:
    from .test_variants_pull import SAMPLES

    out = tmp_path / "departments"
    assert run_cli(["variants", str(SAMPLES / "departments.yaml"), "--out", str(out)]).exit_code == 0
    (out / "manifest.json").write_text("{\"variants\": " + "[" * 100_000 + "]" * 100_000 + "}")
    check = run_cli(["variants", str(SAMPLES / "departments.yaml"), "--out", str(out), "--check"])
    _no_traceback(check)
    assert check.exit_code == 1 and "manifest.json" in check.stdout + check.stderr
    only = run_cli(["variants", str(SAMPLES / "departments.yaml"), "--out", str(out), "--only", "Sales", "--force"])
    _no_traceback(only)
    assert only.exit_code == 0, only.stderr


def test_bare_plists_from_a_manifest_get_their_own_identity(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    from .test_variants_pull import SAMPLES

    out = tmp_path / "plists"
    made = run_cli(["variants", str(SAMPLES / "departments.yaml"), "--out", str(out), "--format", "plist"])
    assert made.exit_code == 0, made.stderr
    first = jamf(fake_jamf, "push", str(out / "manifest.json"))
    assert first.exit_code == 0, first.stderr
    inner = set()
    for p in fake_jamf.profiles.values():
        payload = plistlib.loads(p.payloads.encode())["PayloadContent"][0]
        inner.add((payload["PayloadIdentifier"], payload["PayloadUUID"]))
    assert len(inner) == len(fake_jamf.profiles) == 6
    again = jamf(fake_jamf, "push", str(out / "manifest.json"))
    assert again.stdout.count("unchanged ") == 6 and not fake_jamf.writes("PUT")


# -- §3: names, --force, NaN -------------------------------------------------------------------
def test_bare_plist_needs_a_name(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    out = tmp_path / "plist"
    assert run_cli(["generate", *ARGS, "--format", "plist", "--out", str(out)]).exit_code == 0
    [plist] = out.iterdir()
    result = jamf(fake_jamf, "push", str(plist), "--domain", "login")
    assert result.exit_code == 2 and not fake_jamf.requests
    assert result.stderr.splitlines() == [
        f"profilegen: {plist}: a bare preference plist has no name for Jamf Pro; pass --name, or give the variants "
        "file a jamf: name", "profilegen: nothing was sent to Jamf Pro"]


def test_force_on_push_is_refused_with_the_new_name(fake_jamf: FakeJamf, login: Path) -> None:
    result = jamf(fake_jamf, "push", str(login), "--force")
    assert result.exit_code == 2 and not fake_jamf.requests
    assert result.stderr == ("profilegen: --force: push writes no files; to push values Jamf Pro is known to damage, "
                             "pass --allow-damage\n")


@pytest.mark.parametrize("option", ["--description", "--category", "--scope-group", "--exclude-group", "--name"])
@pytest.mark.parametrize("value", ["two\nlines", "tab\there", "esc\x1b[2J", "bidi\u202eevil", "bad\udcffbyte"])
def test_control_characters_in_options_are_refused(fake_jamf: FakeJamf, login: Path, option: str, value: str) -> None:
    result = jamf(fake_jamf, "push", str(login), option, value)
    assert result.exit_code == 2 and not fake_jamf.requests
    assert result.stderr == (f"profilegen: {option}: contains control characters, tabs, line feeds, bidi controls or "
                             "bytes that are not UTF-8; write it on one line of plain text\n")


def test_nan_equals_itself(fake_jamf: FakeJamf, login: Path) -> None:
    data = plistlib.loads(login.read_bytes())
    data["PayloadContent"][0]["PayloadContent"]["com.jamf.connect.login"]["Forced"][0]["mcx_preference_settings"][
        "x-Ratio"] = float("nan")
    login.write_bytes(plistlib.dumps(data))
    assert b"<real>nan</real>" in login.read_bytes()
    diff = run_cli(["diff", str(login), str(login)])
    assert diff.exit_code == 0 and diff.stdout == ""
    assert jamf(fake_jamf, "push", str(login), "--no-validate").exit_code == 0
    again = jamf(fake_jamf, "push", str(login), "--no-validate")
    assert again.stdout == f"unchanged {NAME} (id 1)\n" and not fake_jamf.writes("PUT")


# -- §4: hostile answers -----------------------------------------------------------------------
@pytest.mark.parametrize(("key", "value", "line"), [
    ("general.id", [1], "profile id 1: general.id is not a whole number"),
    ("general.id", float("inf"), "profile id 1: general.id is not a whole number"),
    ("general.id", True, "profile id 1: general.id is not a whole number"),
    ("general.name", "bad\ud800name", "profile id 1: general.name holds a lone surrogate (not Unicode text)"),
    ("general.payloads", "<plist>\udfff</plist>", "profile id 1: general.payloads holds a lone surrogate (not Unicode text)"),
    ("list", [{"id": True, "name": NAME}], "GET /JSSResource/osxconfigurationprofiles: an entry of the profile list is "
                                           "not a whole-number id and a name"),
    ("list", [{"id": 1, "name": "x\udc80"}], "GET /JSSResource/osxconfigurationprofiles: an entry of the profile list is "
                                             "not a whole-number id and a name"),
])
@pytest.mark.parametrize("command", ["push", "pull"])
def test_hostile_profile_answers_exit_3(fake_jamf: FakeJamf, login: Path, tmp_path: Path, key: str, value: Any,
                                       line: str, command: str) -> None:
    assert jamf(fake_jamf, "push", str(login)).exit_code == 0
    fake_jamf.answers[key] = value
    args = [str(login)] if command == "push" else ["--out", str(tmp_path / "pulled")]
    result = jamf(fake_jamf, command, *args)
    _no_traceback(result)
    assert result.exit_code == 3 and result.stderr == f"profilegen: Jamf Pro: {line}; is this Jamf Pro?\n"
    assert not fake_jamf.writes("PUT") and not (tmp_path / "pulled").exists()


def test_created_id_of_5000_digits_says_created(fake_jamf: FakeJamf, login: Path) -> None:
    fake_jamf.answers["created_id"] = "9" * 5000
    result = jamf(fake_jamf, "push", str(login))
    _no_traceback(result)
    assert result.exit_code == 3 and len(fake_jamf.profiles) == 1
    assert result.stderr.startswith(f"profilegen: '{NAME}': Jamf Pro accepted the create (HTTP 201) but its answer "
                                    "holds no usable id (")
    assert result.stderr.endswith("): the profile was probably created; check it in Jamf Pro, then run push again: it "
                                  "finds it by name\n")
    del fake_jamf.answers["created_id"]
    assert jamf(fake_jamf, "push", str(login)).stdout == f"unchanged {NAME} (id 1)\n"


@pytest.mark.parametrize("expires_in", [10**400, True, "599", float("nan"), -5])
def test_odd_token_lifetimes_are_ignored(fake_jamf: FakeJamf, login: Path, expires_in: Any) -> None:
    fake_jamf.answers["expires_in"] = expires_in
    result = jamf(fake_jamf, "push", str(login))
    _no_traceback(result)
    assert result.exit_code == 0 and len(fake_jamf.issued) == 1, result.stderr


@pytest.mark.parametrize("header", ["²", "9" * 400, "-1", "Fri, 31 Dec 99999 23:59:59 GMT"])
def test_odd_retry_after_falls_back_to_backoff(fake_jamf: FakeJamf, login: Path, header: str) -> None:
    fake_jamf.throttle, fake_jamf.retry_after = 1, header
    result = jamf(fake_jamf, "push", str(login), "--verbose")
    _no_traceback(result)
    assert result.exit_code == 0 and "HTTP 429; retry 1 of 3 in 1 s (backoff)" in result.stderr


def test_server_names_cannot_forge_lines(fake_jamf: FakeJamf, login: Path, tmp_path: Path) -> None:
    evil = "Evil\nprofilegen: everything is fine\u202e\x1b[2J"
    fake_jamf.add(evil, login.read_text())
    result = jamf(fake_jamf, "pull", "--out", str(tmp_path / "pulled"))
    assert result.exit_code == 0, result.stderr
    [line] = result.stderr.splitlines()
    assert line == (f"{tmp_path / 'pulled'}/evil-profilegen-everything-is-fine-2j.mobileconfig: "
                    "Evil\\nprofilegen: everything is fine\\u202e\\x1b[2J (id 1)")


def test_hostile_read_back_after_a_create_says_created(fake_jamf: FakeJamf, login: Path) -> None:
    fake_jamf.answers["general.id"] = [1]
    result = jamf(fake_jamf, "push", str(login))
    assert result.exit_code == 3 and len(fake_jamf.profiles) == 1
    assert result.stderr == (f"profilegen: '{NAME}' (id 1): created, but reading it back failed: Jamf Pro: profile id 1: "
                             "general.id is not a whole number; is this Jamf Pro?\n")


def test_lone_surrogate_in_a_scope_member_name_on_pull(fake_jamf: FakeJamf, login: Path, tmp_path: Path) -> None:
    """A member known by its id keeps its odd name; jamf.json stays valid UTF-8 JSON (the escape)."""
    assert jamf(fake_jamf, "push", str(login)).exit_code == 0
    fake_jamf.profiles[1].scope["exclusions.computers"] = [{"id": 1, "name": "Kiosk\ud800"}]
    out = tmp_path / "pulled"
    result = jamf(fake_jamf, "pull", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    raw = (out / "jamf.json").read_bytes()
    assert b'"Kiosk\\ud800"' in raw
    assert json.loads(raw)["profiles"][0]["scope"]["exclusions"]["computers"] == ["Kiosk\ud800"]
    dry = jamf(fake_jamf, "push", str(login), "--scope-group", "All Staff", "--dry-run")
    assert dry.exit_code == 0 and dry.stdout.endswith('  + scope.computer_groups = "All Staff"\n')


@pytest.mark.parametrize(("prefix", "where"), [
    ("/api/oauth/token", "Jamf Pro at 127.0.0.1:{port}: /api/oauth/token answered HTTP 302"),
    ("/JSSResource", "Jamf Pro: GET /JSSResource/osxconfigurationprofiles answered HTTP 302"),
])
def test_a_redirect_names_where_it_points(fake_jamf: FakeJamf, login: Path, prefix: str, where: str) -> None:
    """No redirect is followed (it could carry the token away); the line says where it pointed
    and what to give instead, rather than "HTTP 302 with no text" (qa, issue 18 §4)."""
    fake_jamf.redirect, fake_jamf.redirect_to = prefix, "https://sso.example.com/login?x=1\x9b\x1b[2J"
    if prefix == "/JSSResource":  # the secret's UTF-8 bytes in the header (http.client reads them as Latin-1)
        fake_jamf.redirect_to += "&s=" + CLIENT_SECRET.encode().decode("latin-1")
    result = jamf(fake_jamf, "push", str(login))
    port = fake_jamf.base.rsplit(":", 1)[1]
    assert "sEcReT" not in result.stderr
    assert result.exit_code == 3 and fake_jamf.writes("POST") == [] and fake_jamf.writes("PUT") == []
    assert result.stderr == (f"profilegen: {where.format(port=port)}; HTTP 302 with no text: it redirects to "
                             "https://sso.example.com/…; profilegen follows no redirect: give "
                             "--url as the Jamf Pro address itself (https://NAME.jamfcloud.com)\n")


@pytest.mark.parametrize(("env", "stdin", "line"), [
    ({"PROFILEGEN_JAMF_CLIENT_SECRET": "s\udcffx"}, None, "PROFILEGEN_JAMF_CLIENT_SECRET: holds bytes that are not UTF-8"),
    ({"PROFILEGEN_JAMF_CLIENT_ID": "c\udcffx"}, None, "PROFILEGEN_JAMF_CLIENT_ID: holds bytes that are not UTF-8"),
    ({"PROFILEGEN_JAMF_CLIENT_ID": None, "PROFILEGEN_JAMF_USERNAME": "u\udcffx", "PROFILEGEN_JAMF_PASSWORD": "p"}, None,
     "PROFILEGEN_JAMF_USERNAME: holds bytes that are not UTF-8"),
    ({}, b"s\xffx\n", "--password-stdin: not UTF-8 text; pipe the client secret in UTF-8"),
])
def test_credentials_that_are_not_utf8_exit_2(fake_jamf: FakeJamf, login: Path, env: dict[str, str | None],
                                             stdin: bytes | None, line: str) -> None:
    """Bytes that are not UTF-8 in a credential from the environment or stdin: exit 2 naming where
    it came from, nothing sent (was: exit 3, "GET ...: 'utf-8' codec can't encode ...; is this Jamf Pro?")."""
    args = [str(login), "--password-stdin"] if stdin is not None else [str(login)]
    result = run_cli(["jamf", "push", "--url", fake_jamf.base, "--allow-http-loopback", *args],
                     env={**JAMF_ENV, **env}, input=stdin)  # type: ignore[arg-type]
    assert (result.exit_code, result.stderr) == (2, f"profilegen: {line}; give it as UTF-8 text\n"
                                                 if "stdin" not in line else f"profilegen: {line}\n")
    assert fake_jamf.requests == []


def test_secret_from_stdin_is_one_bounded_line_without_bom(fake_jamf: FakeJamf, login: Path) -> None:
    """--password-stdin reads the first line as sign and ropg-check do: a UTF-8 BOM (Notepad) is
    not part of the secret, and an endless stream without a line end is refused, not read whole."""
    ok = run_cli(["jamf", "push", "--url", fake_jamf.base, "--allow-http-loopback", str(login), "--password-stdin"],
                 env={**JAMF_ENV, "PROFILEGEN_JAMF_CLIENT_SECRET": None},
                 input="\ufeff" + CLIENT_SECRET + "\r\nrest\n")
    assert ok.exit_code == 0, ok.stderr
    endless = run_cli(["jamf", "push", "--url", fake_jamf.base, "--allow-http-loopback", str(login), "--password-stdin"],
                      env={**JAMF_ENV, "PROFILEGEN_JAMF_CLIENT_SECRET": None}, input="y" * (70 << 10))
    assert (endless.exit_code, endless.stderr) == (
        2, "profilegen: --password-stdin: the first line of stdin is over 64 KiB; pipe the password alone\n")
