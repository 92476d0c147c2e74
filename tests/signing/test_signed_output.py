"""generate and variants with a signing identity: signed files, a manifest with the sha256 of
what was written, and `variants --check` that compares signed content."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import yaml

from profilegen.cli import app
from profilegen.signing.cms import parse
from tests.conftest import SAMPLES
from tests.signing.pki import PASSWORD
from tests.signing.test_verify import flip

ENV = {"PROFILEGEN_KEY_PASSWORD": PASSWORD}


def test_generate_p12_then_verify_with_ca_file(runner, pki, openssl_verify, tmp_path):  # type: ignore[no-untyped-def]
    out = tmp_path / "DIR"
    result = runner.invoke(app, ["generate", "--config", str(SAMPLES / "contoso.yaml"), "--p12", str(pki.p12), "--out", str(out)], env=ENV)
    assert result.exit_code == 0, result.output
    files = sorted(out.iterdir())
    assert len(files) == 2
    verified = runner.invoke(app, ["verify", "--ca-file", str(pki.root_pem), *map(str, files)])
    assert verified.exit_code == 0, verified.output
    unsigned = runner.invoke(app, ["generate", "--config", str(SAMPLES / "contoso.yaml"), "--out", str(tmp_path / "plain")])
    assert unsigned.exit_code == 0
    for path in files:
        assert openssl_verify(path, tmp_path / "x").returncode == 0
        assert (tmp_path / "x").read_bytes() == (tmp_path / "plain" / path.name).read_bytes()


def test_generate_refuses_signing_bare_plists(runner, pki, tmp_path):  # type: ignore[no-untyped-def]
    args = ["generate", "--config", str(SAMPLES / "contoso.yaml"), "--format", "plist", "--p12", str(pki.p12), "--out", str(tmp_path / "o")]
    result = runner.invoke(app, args, env=ENV)
    assert result.exit_code == 2 and "cannot be signed" in result.output and not (tmp_path / "o").exists()


def _variants_file(tmp_path: Path) -> Path:
    source = tmp_path / "departments.yaml"
    shutil.copy(SAMPLES / "departments.yaml", source)
    assert yaml.safe_load(source.read_text())["variants"]
    return source


def test_variants_signed_manifest_and_check(runner, pki, tmp_path):  # type: ignore[no-untyped-def]
    source, out = _variants_file(tmp_path), tmp_path / "out"
    sign_args = ["--p12", str(pki.p12)]
    first = runner.invoke(app, ["variants", str(source), "--out", str(out), *sign_args], env=ENV)
    assert first.exit_code == 0, first.output
    manifest = json.loads((out / "manifest.json").read_text())
    entries = [f for v in manifest["variants"] for f in v["files"]]
    for entry in entries:
        data = (out / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()  # of the signed file as written
        assert parse(data).content.startswith(b"<?xml")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    again = runner.invoke(app, ["variants", str(source), "--out", str(out), *sign_args], env=ENV)
    assert again.exit_code == 0 and "0 files written" in again.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # up-to-date signed files are kept

    # --check needs only the certificate: no key, no password in CI
    cert_only = ["--cert", str(pki["codesign"].cert_pem)]
    clean = runner.invoke(app, ["variants", str(source), "--out", str(out), "--check", *cert_only], env={"PROFILEGEN_KEY_PASSWORD": None})
    assert clean.exit_code == 0, clean.output
    unsigned_check = runner.invoke(app, ["variants", str(source), "--out", str(out), "--check"])
    assert unsigned_check.exit_code == 1 and "this run writes it unsigned" in unsigned_check.output
    other = runner.invoke(app, ["variants", str(source), "--out", str(out), "--check", "--cert", str(pki["ec"].cert_pem)])
    assert other.exit_code == 1 and "not by the certificate of this run" in other.output

    victim = out / entries[0]["path"]
    data = victim.read_bytes()
    victim.write_bytes(flip(data, len(data) - 1))
    broken = runner.invoke(app, ["variants", str(source), "--out", str(out), "--check", *cert_only])
    assert broken.exit_code == 1 and f"changed: {victim}" in broken.output
    assert "signature no longer verifies" in broken.output
    fixed = runner.invoke(app, ["variants", str(source), "--out", str(out), "--force", *sign_args], env=ENV)
    # The profile is signed again; manifest.json is rewritten only when the new signature differs
    # from the old one (RSA PKCS#1 v1.5 is deterministic, so within the same second it does not).
    assert fixed.exit_code == 0 and re.search(r"\b(1 file|2 files) written", fixed.output), fixed.output
    assert victim.read_bytes() != flip(data, len(data) - 1)
    assert runner.invoke(app, ["variants", str(source), "--out", str(out), "--check", *cert_only]).exit_code == 0


def test_generate_signed_rerun_is_unchanged_and_check_needs_only_the_cert(runner, pki, tmp_path):  # type: ignore[no-untyped-def]
    """issue 22: a rerun keeps the signed files (a new signature would differ in its signing time)."""
    out = tmp_path / "out"
    args = ["generate", "--config", str(SAMPLES / "contoso.yaml")]
    first = runner.invoke(app, [*args, "--p12", str(pki.p12), "--out", str(out)], env=ENV)
    assert first.exit_code == 0, first.stderr
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(out.iterdir())}
    again = runner.invoke(app, [*args, "--p12", str(pki.p12), "--out", str(out)], env=ENV)
    assert again.exit_code == 0 and [line for line in again.stderr.splitlines() if not line.startswith("note: ")] == [f"unchanged: {p} (identical; left as it is)" for p in sorted(out.iterdir())], again.stderr
    assert {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(out.iterdir())} == before
    check = runner.invoke(app, [*args, "--cert", str(pki["codesign"].cert_pem), "--check", "--out", str(out)])
    assert check.exit_code == 0, check.stdout + check.stderr
    unsigned = runner.invoke(app, [*args, "--check", "--out", str(out)])
    assert unsigned.exit_code == 1
    assert "signed on disk, but this run writes it unsigned" in unsigned.stdout
    assert {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(out.iterdir())} == before
