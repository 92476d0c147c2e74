"""validate on signed profiles: PG108 names the signer (also when the SignerInfo names it by
subject key identifier and another certificate comes first), PG111 for a broken signature,
PG113 with --ca-file."""

from __future__ import annotations

import json

import pytest
from asn1crypto import cms
from cryptography.hazmat.primitives.serialization import Encoding

from profilegen.cli import app
from tests.signing.test_verify import flip, openssl_sign, replace_certs


def findings(runner, *args: str) -> tuple[int, list[dict[str, str]]]:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["validate", "--format", "json", *args])
    return result.exit_code, json.loads(result.stdout)["files"][0]["findings"]


@pytest.mark.parametrize("keyid", [True, False])
def test_pg108_names_the_signer_not_the_first_certificate(runner, pki, openssl, tmp_path, keyid):  # type: ignore[no-untyped-def]
    """The defect: with `openssl cms -sign -keyid` (and Apple's tools) PG108 reported the first
    certificate in the file, e.g. the intermediate CA."""
    signed = openssl_sign(openssl, pki, tmp_path, keyid=keyid, md="sha256", attrs=True)
    inter = pki.inter.public_bytes(Encoding.DER)
    leaf = pki["codesign"].cert.public_bytes(Encoding.DER)
    reordered = replace_certs(signed, [inter, leaf])
    first = cms.ContentInfo.load(reordered)["content"]["certificates"][0].chosen
    assert "Intermediate" in first.subject.human_friendly  # the trap is set
    path = tmp_path / "keyid.mobileconfig"
    path.write_bytes(reordered)
    code, found = findings(runner, str(path))
    pg108 = [f["message"] for f in found if f["code"] == "PG108"]
    assert code == 0 and len(pg108) == 1
    assert "Test codesign" in pg108[0] and "Intermediate" not in pg108[0]
    assert "signature intact, not checked against a trust store" in pg108[0]


def test_tampered_signature_is_an_error_and_content_still_checked(runner, pki, openssl, tmp_path):  # type: ignore[no-untyped-def]
    signed = openssl_sign(openssl, pki, tmp_path, keyid=True, md="sha1", attrs=True)
    path = tmp_path / "t.mobileconfig"
    path.write_bytes(flip(signed, signed.index(b"<string>Case</string>") + 9))
    code, found = findings(runner, str(path))
    codes = [f["code"] for f in found]
    assert code == 1 and "PG111" in codes and "PG108" in codes
    assert "changed after it was signed" in next(f["message"] for f in found if f["code"] == "PG111")


def test_ca_file_adds_the_trust_check(runner, pki, openssl, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "s.mobileconfig"
    path.write_bytes(openssl_sign(openssl, pki, tmp_path, keyid=False, md="sha256", attrs=False))
    code, found = findings(runner, "--ca-file", str(pki.root_pem), str(path))
    assert code == 0 and "trusted by" in found[0]["message"]
    code, found = findings(runner, "--ca-file", str(pki.other_root_pem), str(path))
    assert code == 1 and [f["code"] for f in found if f["code"] == "PG113"] == ["PG113"]
    bad = runner.invoke(app, ["validate", "--ca-file", str(tmp_path / "none.pem"), str(path)])
    assert bad.exit_code == 2 and bad.output.count("\n") == 1


def test_unfit_signer_is_a_warning(runner, pki, openssl, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "s.mobileconfig"
    path.write_bytes(openssl_sign(openssl, pki, tmp_path, keyid=False, md="sha256", attrs=True, leaf="expired"))
    code, found = findings(runner, str(path))
    assert code == 0 and any(f["code"] == "PG112" and "expired on" in f["message"] for f in found)
    assert runner.invoke(app, ["validate", "--strict", str(path)]).exit_code == 1
