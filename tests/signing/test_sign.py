"""profilegen sign: every signature passes openssl cms -verify, the content openssl extracts is
byte-identical to the input, and bad identities or inputs are refused with one line, exit 2."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest
from cryptography import x509
from typer.testing import CliRunner

from profilegen.cli import app
from profilegen.signing.cms import parse
from tests.signing.conftest import PROFILE
from tests.signing.pki import PASSWORD, PKI

ENV = {"PROFILEGEN_KEY_PASSWORD": PASSWORD}


def pem_identity(pki: PKI, name: str) -> list[str]:
    leaf = pki[name]
    args = ["--cert", str(leaf.cert_pem), "--key", str(leaf.key_pem)]
    return args + (["--chain", str(leaf.chain_pem)] if leaf.chain_pem else [])


def sign(runner: CliRunner, *args: str | Path, env: dict[str, str] | None = None, stdin: bytes | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["sign", *map(str, args)], env=env, input=stdin)


def one_line(result) -> str:  # type: ignore[no-untyped-def]
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith("profilegen: "), result.output
    assert "Traceback" not in result.output
    return str(lines[0])


@pytest.mark.parametrize("leaf", ["codesign", "installer", "smime", "ec"])
def test_signed_profiles_pass_openssl_and_keep_their_bytes(runner, pki, openssl_verify, tmp_path, leaf):  # type: ignore[no-untyped-def]
    # LF line ends and non-ASCII text: cryptography would rewrite LF to CRLF without Binary.
    source = tmp_path / "in" / "café.mobileconfig"
    source.parent.mkdir()
    source.write_bytes(PROFILE.read_bytes().replace(b"<string>Case</string>", "<string>Café ☃</string>".encode()))
    result = sign(runner, source, "--out", tmp_path / "out", *pem_identity(pki, leaf))
    assert result.exit_code == 0, result.output
    signed = tmp_path / "out" / "café.mobileconfig"
    done = openssl_verify(signed, tmp_path / "extracted")
    assert done.returncode == 0, done.stderr.decode()
    assert (tmp_path / "extracted").read_bytes() == source.read_bytes()
    assert runner.invoke(app, ["verify", "--ca-file", str(pki.root_pem), str(signed)]).exit_code == 0


def test_binary_plist_and_stdin_to_stdout(runner, pki, openssl_verify, tmp_path):  # type: ignore[no-untyped-def]
    binary = plistlib.dumps(plistlib.loads(PROFILE.read_bytes()), fmt=plistlib.FMT_BINARY)
    result = runner.invoke(app, ["sign", "-", "--out", "-", "--p12", str(pki.p12)], env=ENV, input=binary)
    assert result.exit_code == 0, result.stderr
    (tmp_path / "s.der").write_bytes(result.stdout_bytes)
    assert openssl_verify(tmp_path / "s.der", tmp_path / "x").returncode == 0
    assert (tmp_path / "x").read_bytes() == binary


def test_p12_password_from_env_and_stdin(runner, pki, openssl_verify, tmp_path):  # type: ignore[no-untyped-def]
    assert sign(runner, PROFILE, "--out", tmp_path / "a", "--p12", pki.p12, env=ENV).exit_code == 0
    result = sign(runner, PROFILE, "--out", tmp_path / "b", "--p12", pki.p12, "--password-stdin", stdin=PASSWORD.encode() + b"\n")
    assert result.exit_code == 0, result.output
    for out in ("a", "b"):
        signed = tmp_path / out / PROFILE.name
        assert openssl_verify(signed, tmp_path / "x").returncode == 0
        subjects = {x509.load_der_x509_certificate(c).subject for c in parse(signed.read_bytes()).certificates}
        assert subjects == {pki["codesign"].cert.subject, pki.inter.subject}  # the chain without the root


def test_wrong_or_missing_password_is_one_line(runner, pki, tmp_path):  # type: ignore[no-untyped-def]
    line = one_line(sign(runner, PROFILE, "--out", tmp_path, "--p12", pki.p12, env={"PROFILEGEN_KEY_PASSWORD": "hunter2-wrong"}))
    assert "wrong password" in line and "hunter2" not in line
    assert "needs a password" in one_line(sign(runner, PROFILE, "--out", tmp_path, "--p12", pki.p12, env={"PROFILEGEN_KEY_PASSWORD": None}))  # type: ignore[dict-item]
    enc = ["--cert", pki["codesign"].cert_pem, "--key", pki.encrypted_key_pem]
    assert "is encrypted" in one_line(sign(runner, PROFILE, "--out", tmp_path, *enc, env={"PROFILEGEN_KEY_PASSWORD": None}))  # type: ignore[dict-item]
    assert sign(runner, PROFILE, "--out", tmp_path / "ok", *enc, env=ENV).exit_code == 0
    assert not list(tmp_path.glob("*.mobileconfig"))


def test_refusals(runner, pki, tmp_path):  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    mismatch = ["--cert", pki["codesign"].cert_pem, "--key", pki["smime"].key_pem]
    assert "does not belong to the certificate" in one_line(sign(runner, PROFILE, "--out", out, *mismatch))
    assert "expired on" in one_line(sign(runner, PROFILE, "--out", out, *pem_identity(pki, "expired")))
    assert "RSA key of 1024 bits" in one_line(sign(runner, PROFILE, "--out", out, *pem_identity(pki, "rsa1024")))
    assert not out.exists()
    assert sign(runner, PROFILE, "--out", out, *pem_identity(pki, "expired"), "--allow-expired").exit_code == 0
    signed = out / PROFILE.name
    again = sign(runner, signed, "--out", tmp_path / "again", *pem_identity(pki, "codesign"))
    assert "already signed by" in one_line(again) and "--resign" in one_line(again)
    assert "pass --force" in one_line(sign(runner, PROFILE, "--out", out, *pem_identity(pki, "codesign")))
    assert "--p12 or --cert/--key: required" in one_line(sign(runner, PROFILE, "--out", out))


def test_resign_signs_the_inner_content(runner, pki, openssl_verify, tmp_path):  # type: ignore[no-untyped-def]
    sign(runner, PROFILE, "--out", tmp_path / "one", *pem_identity(pki, "expired"), "--allow-expired")
    result = sign(runner, tmp_path / "one" / PROFILE.name, "--out", tmp_path / "two", "--resign", *pem_identity(pki, "ec"))
    assert result.exit_code == 0, result.output
    assert openssl_verify(tmp_path / "two" / PROFILE.name, tmp_path / "x").returncode == 0
    assert (tmp_path / "x").read_bytes() == PROFILE.read_bytes()


def test_invalid_input_needs_no_validate(runner, pki, tmp_path):  # type: ignore[no-untyped-def]
    bad = Path(__file__).resolve().parents[1] / "cases" / "PG104" / "fail-duplicate.login.plist"
    broken = tmp_path / "broken.mobileconfig"
    broken.write_bytes(bad.read_bytes())
    result = sign(runner, broken, "--out", tmp_path / "out", *pem_identity(pki, "codesign"))
    assert result.exit_code == 2 and "PG104" in result.output and "--no-validate" in result.output
    assert not (tmp_path / "out").exists()
    assert sign(runner, broken, "--out", tmp_path / "out", "--no-validate", *pem_identity(pki, "codesign")).exit_code == 0
    bare = Path(__file__).resolve().parents[1] / "cases" / "PG110" / "pass-named.login.plist"
    assert "not a configuration profile" in one_line(sign(runner, bare, "--out", tmp_path / "b", *pem_identity(pki, "codesign")))


def test_two_inputs_with_one_stem_are_refused(runner, pki, tmp_path):  # type: ignore[no-untyped-def]
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.mobileconfig").write_bytes(PROFILE.read_bytes())
    (tmp_path / "x.plist").write_bytes(PROFILE.read_bytes())
    result = sign(runner, tmp_path / "a" / "x.mobileconfig", tmp_path / "x.plist", "--out", tmp_path / "o", *pem_identity(pki, "codesign"))
    assert result.exit_code == 2 and "would be written as x.mobileconfig" in result.output
    assert not (tmp_path / "o").exists()


def test_two_pki_objects_in_one_process_keep_one_key_per_role(tmp_path):  # type: ignore[no-untyped-def]
    """A second PKI (a session fixture imported into another module builds one) must not hand
    every role the same key: the mismatch and key-identifier tests rely on distinct keys."""
    for pki in (PKI(tmp_path / "a"), PKI(tmp_path / "b")):
        numbers = [pki[name].cert.public_key().public_numbers() for name in ("codesign", "smime", "installer")]
        numbers.append(pki.inter.public_key().public_numbers())
        assert len({(n.n, n.e) for n in numbers}) == 4
