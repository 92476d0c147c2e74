"""validate through the CLI: output shapes, exit codes, inputs, corpus, hostile files."""

from __future__ import annotations

import json
import plistlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from profilegen.cli import app
from tests.conftest import GOLDEN, SAMPLES
from tests.helpers import CLIENT, TENANT

CASES = Path(__file__).resolve().parents[1] / "cases"
GOOD = CASES / "PG402" / "pass-design-a.login.plist"
BAD = CASES / "PG403" / "fail-placeholder.login.plist"
WARN = CASES / "PG402" / "fail-no-ropg-scopes.login.plist"


def test_clean_file_exit_0(runner):
    result = runner.invoke(app, ["validate", str(GOOD)])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.strip().endswith("1 file(s): 0 error(s), 0 warning(s), 1 info(s)")
    assert ": OIDCScopes: PG420 info: design A (scoped policy)" in result.stdout


def test_error_exit_1_text_format(runner):
    result = runner.invoke(app, ["validate", str(BAD)])
    assert result.exit_code == 1
    line = result.stdout.splitlines()[0]
    assert line.startswith(f"{BAD}:5: OIDCClientID: PG403 error: ")
    assert "Application (client) ID" in line


def test_warning_exit_0_unless_strict(runner):
    assert runner.invoke(app, ["validate", str(WARN)]).exit_code == 0
    assert runner.invoke(app, ["validate", "--strict", str(WARN)]).exit_code == 1


def test_json_shape(runner):
    result = runner.invoke(app, ["validate", "--format", "json", str(GOOD), str(BAD), str(WARN)])
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert set(body) == {"files", "summary"}
    # GOOD and BAD implement design A (one PG420 info each); WARN fits no design (PG402).
    assert body["summary"] == {"files": 3, "errors": 2, "warnings": 1, "infos": 2}
    for entry in body["files"]:
        assert set(entry) == {"path", "findings"}
        for f in entry["findings"]:
            assert set(f) == {"code", "severity", "key", "message", "line"}
            assert f["line"] is None or isinstance(f["line"], int)
            assert f["severity"] in ("error", "warning", "info")
            assert f["key"] is None or isinstance(f["key"], str)
    assert [f["code"] for f in body["files"][0]["findings"]] == ["PG420"]


def test_directory_is_searched_recursively(runner, tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.login.plist").write_bytes(GOOD.read_bytes())
    (tmp_path / "a" / "y.mobileconfig").write_bytes((CASES / "PG206" / "pass-suffixed.mobileconfig").read_bytes())
    (tmp_path / "a" / "notes.txt").write_text("ignored")
    result = runner.invoke(app, ["validate", "--format", "json", str(tmp_path)])
    paths = [f["path"] for f in json.loads(result.stdout)["files"]]
    assert len(paths) == 2 and all(not p.endswith(".txt") for p in paths)


def test_stdin(runner):
    result = runner.invoke(app, ["validate", "--domain", "login", "-"], input=BAD.read_bytes())
    assert result.exit_code == 1 and result.stdout.startswith("<stdin>:5: OIDCClientID: PG403")


def test_domain_option_overrides_inference(runner, tmp_path):
    path = tmp_path / "settings.plist"
    path.write_bytes(plistlib.dumps({"IdPSettings": {"Provider": "Azure", "ROPGID": CLIENT, "TenantID": TENANT}}))
    as_login = runner.invoke(app, ["validate", "--domain", "login", str(path)])
    assert "PG302" in as_login.stdout  # IdPSettings belongs to the menu bar
    as_menubar = runner.invoke(app, ["validate", "--domain", "menubar", str(path)])
    assert as_menubar.exit_code == 0 and "PG110" not in as_menubar.stdout


def test_missing_path_is_usage_error(runner, tmp_path):
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.plist")])
    assert result.exit_code == 2 and "no such file or directory" in result.stderr


def test_bad_option_is_usage_error(runner):
    assert runner.invoke(app, ["validate", "--format", "xml", str(GOOD)]).exit_code == 2
    assert runner.invoke(app, ["validate"]).exit_code == 2


def test_one_bad_file_does_not_hide_others(runner, tmp_path):
    broken = tmp_path / "broken.login.plist"
    broken.write_bytes(b"<plist><dict><key>a</key>")
    result = runner.invoke(app, ["validate", "--format", "json", str(broken), str(BAD)])
    files = json.loads(result.stdout)["files"]
    assert [f["findings"][0]["code"] for f in files] == ["PG101", "PG403"]


def test_cross_file_pair(runner, tmp_path):
    login = tmp_path / "a.login.plist"
    menubar = tmp_path / "b.menubar.plist"
    login.write_bytes(GOOD.read_bytes())
    other_guid = "0d5a0a8e-1c3b-4b7e-9f2a-6e5d4c3b2a19"
    menubar.write_bytes(plistlib.dumps({"IdPSettings": {"Provider": "Azure", "ROPGID": CLIENT, "TenantID": other_guid}}))
    result = runner.invoke(app, ["validate", str(login), str(menubar)])
    assert "PG406" in result.stdout and str(menubar) in result.stdout


def test_cross_file_pair_guid_and_domain_is_an_info(runner, tmp_path):
    """A GUID and a domain may name the same tenant: an info (PG415), never the error PG406."""
    login = tmp_path / "a.login.plist"
    menubar = tmp_path / "b.menubar.plist"
    login.write_bytes(GOOD.read_bytes())
    menubar.write_bytes(plistlib.dumps({"IdPSettings": {"Provider": "Azure", "ROPGID": CLIENT, "TenantID": "contoso.onmicrosoft.com"}}))
    result = runner.invoke(app, ["validate", str(login), str(menubar)])
    assert "PG415 info" in result.stdout and "PG406" not in result.stdout
    assert result.exit_code == 0


def generated_files():
    return sorted(p for p in GOLDEN.rglob("*") if p.is_file())


@pytest.mark.parametrize("path", generated_files(), ids=lambda p: str(p.relative_to(GOLDEN)))
def test_everything_generate_writes_has_no_finding_but_the_design(runner, path):
    """Generated profiles are clean; the login window gets one info naming its design (PG420)."""
    result = runner.invoke(app, ["validate", "--format", "json", str(path)])
    findings = json.loads(result.stdout)["files"][0]["findings"]
    expected = ["PG420"] if ".login." in path.name else []
    assert [f["code"] for f in findings] == expected, findings
    assert all("design A (scoped policy)" in f["message"] for f in findings)
    assert result.exit_code == 0


@pytest.mark.parametrize("sample", sorted(p for p in SAMPLES.glob("*.yaml") if p.stem != "departments"), ids=lambda p: p.stem)
@pytest.mark.parametrize("style, fmt", [("mcx", "mobileconfig"), ("direct", "mobileconfig"), ("mcx", "plist")])
def test_round_trip_fresh_output(runner, tmp_path, sample, style, fmt):
    out = tmp_path / "out"
    gen = runner.invoke(app, ["generate", "--config", str(sample), "--payload-style", style, "--format", fmt, "--out", str(out)])
    assert gen.exit_code == 0, gen.stderr
    result = runner.invoke(app, ["validate", "--strict", "--format", "json", str(out)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["summary"] == {"files": 2, "errors": 0, "warnings": 0, "infos": 1}


def test_without_custom_scope_only_the_design_d_info(runner, tmp_path):
    out = tmp_path / "out"
    args = ["generate", "--tenant", TENANT, "--client-id", CLIENT, "--organization", "C", "--identifier", "com.c.jc", "--out", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    body = json.loads(runner.invoke(app, ["validate", "--format", "json", str(out)]).stdout)
    codes = [f["code"] for f in body["files"][0]["findings"]] + [f["code"] for f in body["files"][1]["findings"]]
    assert codes == ["PG420"]
    assert "design D (no custom scope)" in body["files"][0]["findings"][0]["message"]


def test_xxe_contents_never_appear(runner, tmp_path):
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("TOP-SECRET-LINE-42\n")
    path = tmp_path / "xxe.login.plist"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE plist [<!ENTITY xxe SYSTEM "file://{secret_file}"><!ENTITY pw SYSTEM "file:///etc/passwd">]>\n'
        '<plist version="1.0"><dict><key>LoginWindowMessage</key><string>&xxe;&pw;</string></dict></plist>\n'
    )
    for fmt in ("text", "json"):
        result = runner.invoke(app, ["validate", "--format", fmt, str(path)])
        assert result.exit_code == 1
        assert "PG102" in result.stdout
        assert "TOP-SECRET" not in result.stdout and "root:" not in result.stdout


def test_secret_values_never_printed(runner, tmp_path):
    path = tmp_path / "s.login.plist"
    path.write_bytes(plistlib.dumps({"OIDCProvider": "Azure", "OIDCClientID": CLIENT, "OIDCTenant": TENANT,
                                     "ROPGClientSecret": "Zz9-secret-value", "OIDCClientSecret": ["Zz9-secret-value"]}))
    result = runner.invoke(app, ["validate", "--format", "json", str(path)])
    assert "PG501" in result.stdout and "Zz9-secret-value" not in result.stdout


def sign(openssl: str, tmp_path: Path, source: Path, *, subject: str, outform: str = "DER") -> Path:
    """Sign ``source`` with a throwaway self-signed certificate (openssl cms -sign -nodetach)."""
    key, cert = tmp_path / "k.pem", tmp_path / "c.pem"
    if not cert.exists():
        subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "1", "-subj", subject], check=True, capture_output=True)
    out = tmp_path / f"signed-{source.stem}.{outform.lower()}.mobileconfig"
    subprocess.run([openssl, "cms", "-sign", "-nodetach", "-outform", outform, "-binary", "-in", source,
                    "-signer", cert, "-inkey", key, "-out", out], check=True, capture_output=True)
    return out


def test_signed_profile_made_with_openssl(runner, tmp_path, openssl):
    profile = CASES / "PG206" / "pass-suffixed.mobileconfig"
    signed = sign(openssl, tmp_path, profile, subject="/CN=Throwaway Signer/O=Tests")
    # openssl itself confirms the file is a valid CMS SignedData holding our profile.
    extracted = subprocess.run([openssl, "cms", "-verify", "-noverify", "-inform", "DER", "-in", signed],
                               check=True, capture_output=True).stdout
    assert extracted == profile.read_bytes()
    result = runner.invoke(app, ["validate", "--format", "json", str(signed)])
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert findings[0]["code"] == "PG108" and "Throwaway Signer" in findings[0]["message"]
    assert result.exit_code == 0
    signed_bad = sign(openssl, tmp_path, CASES / "PG206" / "fail-same-identifier.mobileconfig", subject="/CN=x")
    assert "PG206" in runner.invoke(app, ["validate", str(signed_bad)]).stdout


def test_rules_command_lists_every_code(runner):
    from profilegen.rules import load_all

    out = runner.invoke(app, ["rules"]).stdout
    for code, rule in load_all().items():
        assert code in out and rule.doc, code


def test_rules_pg420_prints_every_design_in_full(runner):
    """Issue 20 point 8: PG420's finding is one line; `profilegen rules PG420` has the rest."""
    from profilegen.entra import designs

    result = runner.invoke(app, ["rules", "pg420", "PG420"])  # any case, once
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("PG420  info     ca-design\n")
    assert result.stdout.count("PG420  info") == 1
    for design in designs.DESIGNS:
        assert f"\n    {design.explanation()}\n" in result.stdout
    assert "PG421" not in result.stdout
    brief = runner.invoke(app, ["rules"]).stdout
    assert "PG421" in brief and designs.A.explanation() not in brief  # the list stays brief


@pytest.mark.parametrize("code", ["PG999", "PG408x", "\udcff", "PG\u202e420", "P" * 5000])
def test_rules_unknown_code_is_one_line_exit_2(runner, code):
    result = runner.invoke(app, ["rules", code])
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("profilegen: rules: ") and "no such rule code; `profilegen rules` lists them" in line
    assert "\u202e" not in line and "\udcff" not in line and not result.stdout and len(line) < 200


def test_explain_prints_why_under_each_finding(runner, tmp_path):
    """--explain: PG420's design in full under its line; other findings get their rule's reason."""
    from profilegen.entra import designs
    from profilegen.rules import load_all

    bad = tmp_path / "x.login.plist"
    bad.write_bytes(plistlib.dumps({"OIDCProvider": "Azure", "OIDCTenant": "common", "OIDCClientID": "nope"}))
    plain = runner.invoke(app, ["validate", str(bad)])
    explained = runner.invoke(app, ["validate", "--explain", str(bad)])
    assert explained.exit_code == plain.exit_code == 1
    lines = explained.stdout.splitlines()
    assert [ln for ln in lines if not ln.startswith("    ")] == plain.stdout.splitlines()
    for i, ln in enumerate(lines[:-1]):
        if not ln.startswith("    "):
            code = re.search(r" (PG\d{3}) (?:error|warning|info): ", ln).group(1)  # type: ignore[union-attr]
            want = designs.D.explanation() if code == "PG420" else load_all()[code].doc
            assert lines[i + 1] == "    " + want, (code, lines[i + 1])
    body = json.loads(runner.invoke(app, ["validate", "--explain", "--format", "json", str(bad)]).stdout)
    (pg420,) = [f for f in body["files"][0]["findings"] if f["code"] == "PG420"]
    assert pg420["detail"] == designs.D.explanation() and pg420["message"].endswith("details: profilegen rules PG420")
    assert "detail" not in json.loads(runner.invoke(app, ["validate", "--format", "json", str(bad)]).stdout)["files"][0]["findings"][0]


@pytest.mark.parametrize("fmt", ["sarif", "junit", "github"])
def test_explain_with_a_ci_format_on_stdout_is_a_usage_error(runner, tmp_path, fmt):
    result = runner.invoke(app, ["validate", "--explain", "--format", fmt, str(CASES / "PG420" / "fail-design-d.login.plist")])
    assert result.exit_code == 2 and result.stderr.startswith(f"profilegen: --explain: the {fmt} report has no place")
    assert not result.stdout


def test_pem_signed_profile(runner, tmp_path, openssl):
    signed = sign(openssl, tmp_path, CASES / "PG206" / "pass-suffixed.mobileconfig", subject="/CN=PEM Signer", outform="PEM")
    assert signed.read_bytes().startswith(b"-----BEGIN")
    result = runner.invoke(app, ["validate", str(signed)])
    assert result.exit_code == 0 and "PG108 info: signed by" in result.stdout and "PEM Signer" in result.stdout


def test_empty_directory_is_a_usage_error(runner, tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2 and "no *.mobileconfig or *.plist" in result.stderr


def test_no_raw_escape_sequences_reach_the_terminal(tmp_path):
    """QA1 item 6 (fixed by the terminal-safe echo merged with issue 8 §2.2): control characters
    from the file (key names, tenant values) never reach the terminal raw in the text report."""
    prefs = {"OIDCProvider": "EntraID", "OIDCClientID": CLIENT, "OIDCTenant": "\x1b[31mcommon", "\x1b]0;pwned\x07Key": "v"}
    path = tmp_path / "esc.plist"
    path.write_bytes(plistlib.dumps(prefs, fmt=plistlib.FMT_BINARY))
    result = subprocess.run([sys.executable, "-m", "profilegen", "validate", "--domain", "login", str(path)],
                            capture_output=True, timeout=60)
    assert b"\x1b" not in result.stdout and b"\x07" not in result.stdout


def test_no_raw_escape_sequences_in_error_lines(tmp_path):
    """A file name from outside, echoed in a one-line error, is escaped as well."""
    missing = str(tmp_path / "no\x1b]0;pwned\x07such.plist")
    result = subprocess.run([sys.executable, "-m", "profilegen", "validate", missing], capture_output=True, timeout=60)
    assert result.returncode == 2 and b"\x1b" not in result.stderr and b"\x07" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_directory_walk_matches_suffixes_in_any_case(runner, tmp_path: Path) -> None:
    """Finder and SMB shares keep names such as Contoso.MOBILECONFIG; they are profiles too."""
    from tests.helpers import BASE_ARGS

    out = tmp_path / "gen"
    assert runner.invoke(app, [*BASE_ARGS, "--out", str(out)]).exit_code == 0
    nested = tmp_path / "walk" / "deeper"
    nested.mkdir(parents=True)
    for i, path in enumerate(sorted(out.iterdir())):
        name = ["Login.MOBILECONFIG", "menubar.Plist.PLIST"][i]
        (nested / name).write_bytes(path.read_bytes())
    result = runner.invoke(app, ["validate", "--format", "json", str(tmp_path / "walk")])
    assert result.exit_code == 0, result.output
    assert '"files": 2' in result.stdout


def test_target_version_flags_keys_per_component(runner):
    """Issue 20 point 1: --target-version login=X,menubar=Y; each key against its own component."""
    case = CASES / "PG310" / "fail-biometrics-menubar-2.45.menubar.plist"
    old = runner.invoke(app, ["validate", "--target-version", "login=3.5,menubar=2.45", str(case)])
    assert old.exit_code == 0, old.output  # a warning: exit 0 unless --strict
    assert ": TemporaryUserPermissions.UserPromotionBiometrics: PG310 warning: menu bar (Self Service+ from 3.0) 2.45 may not read it" in old.stdout
    assert runner.invoke(app, ["validate", "--strict", "--target-version", "login=3.5,menubar=2.45", str(case)]).exit_code == 1
    new = runner.invoke(app, ["validate", "--target-version", "login=2.0,menubar=3.11", str(case)])
    assert "PG310" not in new.stdout and new.exit_code == 0
    assert "PG310" not in runner.invoke(app, ["validate", str(case)]).stdout  # no target: no claim


@pytest.mark.parametrize(("value", "problem"), [
    ("3.5", "from 3.0 the login window and the menu bar (Self Service+) have their own versions"),
    ("login=three", "'three' is not a version such as 2.45.1 or 3.11"),
    ("login=3.5\u202e", "is not a version"),
    ("", "'' is not a version"),
])
def test_target_version_bad_value_is_one_line_exit_2(runner, value, problem):
    result = runner.invoke(app, ["validate", "--target-version", value, str(GOOD)])
    assert result.exit_code == 2 and not result.stdout
    (line,) = result.stderr.splitlines()
    assert line.startswith("profilegen: --target-version: ") and problem in line and "\u202e" not in line
