"""Bounded work on a stranger's signed profile (issue 19, class 9): a 4 MB file can carry
~13,000 small certificates, and following their names from the signer was quadratic (verify
took 20 s, validate 26 s). Only the first MAX_CERTIFICATES certificates and MAX_SIGNERS
SignerInfos are looked at, and the report says so.

Time is CPU time of this process (verify and validate of one file run in-process), compared
with a baseline measured in the same test: a file with just as many certificates as are looked
at. Wall time would measure the other engineers' jobs on the machine."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from asn1crypto import cms
from cryptography.hazmat.primitives.serialization import Encoding

from profilegen.cli import app
from profilegen.profile.read import MAX_BYTES
from profilegen.signing.cms import MAX_CERTIFICATES, MAX_SIGNERS
from profilegen.signing.verify import verify_bytes
from profilegen.validate.pipeline import check_bytes
from tests.signing.pki import PKI, name_chain
from tests.signing.test_verify import openssl_sign

BIG = 12_900  # as many as fit under the reader's size limit


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    size = (n.bit_length() + 7) // 8
    return bytes([0x80 | size]) + n.to_bytes(size, "big")


def with_certificates(signed: bytes, certs: list[bytes]) -> bytes:
    """``signed`` carrying ``certs``; the set is handed to asn1crypto as DER, so that it parses
    the certificates lazily (asn1crypto objects for 13,000 certificates take seconds)."""
    body = b"".join(certs)
    info = cms.ContentInfo.load(signed)
    info["content"]["certificates"] = cms.CertificateSet.load(b"\x31" + _der_length(len(body)) + body)
    return bytes(info.dump())


@pytest.fixture(scope="module")
def bags(pki: PKI, openssl: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    tmp = tmp_path_factory.mktemp("bags")
    signed = openssl_sign(openssl, pki, tmp, keyid=False, md="sha256", attrs=True)
    leaf = pki["codesign"].cert.public_bytes(Encoding.DER)
    chain = name_chain(pki, BIG - 1)
    # Reversed: each next name sits at the end of what is left, the worst order for a scan.
    big = with_certificates(signed, [leaf, *reversed(chain)])
    assert len(big) <= MAX_BYTES, len(big)  # the reader takes it: the bound must be the cap, not the size limit
    at_cap = with_certificates(signed, [leaf, *reversed(chain[: MAX_CERTIFICATES - 1])])
    return {"big": big, "at-cap": at_cap, "plain": signed}


def cpu(func: Callable[[], Any]) -> float:
    start = time.process_time()
    func()
    return time.process_time() - start


CAP_PROBLEM = (f"the file carries {BIG} certificates; only the first {MAX_CERTIFICATES} were looked at for the signer "
               "and its chain (a signed profile carries two to four)")


@pytest.mark.parametrize("reader", ["verify", "validate"])
def test_a_bag_of_certificates_costs_about_what_the_cap_costs(bags, reader):  # type: ignore[no-untyped-def]
    run: Callable[[bytes], Any] = verify_bytes if reader == "verify" else (lambda d: check_bytes(d, "bag.mobileconfig"))
    run(bags["at-cap"])  # warm: imports, the catalog
    baseline = min(cpu(lambda: run(bags["at-cap"])) for _ in range(3))
    big = cpu(lambda: run(bags["big"]))
    # Measured: about 1.5 times the baseline; the quadratic walk took over 1,000 times.
    assert big < 25 * baseline + 0.25, f"{reader}: {big:.3f} s CPU for {BIG} certificates, {baseline:.3f} s for {MAX_CERTIFICATES}"


def test_the_cap_is_reported(runner, bags, pki, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "bag.mobileconfig"
    path.write_bytes(bags["big"])
    result = runner.invoke(app, ["verify", "--format", "json", "--ca-file", str(pki.root_pem), str(path)])
    assert result.exit_code == 1, result.output
    entry = json.loads(result.stdout)["files"][0]
    assert entry["intact"] is True and entry["problems"][0] == CAP_PROBLEM
    assert len(entry["chain"]) <= MAX_CERTIFICATES
    found = json.loads(runner.invoke(app, ["validate", "--format", "json", str(path)]).stdout)["files"][0]["findings"]
    assert {"code": "PG112", "severity": "warning", "key": None, "message": CAP_PROBLEM, "line": None} in found


def test_at_the_cap_nothing_is_said(bags):  # type: ignore[no-untyped-def]
    verdict = verify_bytes(bags["at-cap"])
    assert verdict.ok and verdict.problems == [], verdict.problems
    assert len(verdict.chain) == MAX_CERTIFICATES  # the leaf and every certificate of the name chain, walked in order


def test_signer_infos_past_the_cap_are_not_vouched_for(bags):  # type: ignore[no-untyped-def]
    info = cms.ContentInfo.load(bags["plain"])
    one = info["content"]["signer_infos"][0]
    info["content"]["signer_infos"] = cms.SignerInfos([one.copy() for _ in range(MAX_SIGNERS + 1)])
    verdict = verify_bytes(bytes(info.dump(force=True)))
    assert verdict.broken == [f"the file carries {MAX_SIGNERS + 1} SignerInfos; only the first {MAX_SIGNERS} were checked "
                              "(a signed profile has one), so the others cannot be vouched for"]
    info["content"]["signer_infos"] = cms.SignerInfos([one.copy() for _ in range(MAX_SIGNERS)])
    assert verify_bytes(bytes(info.dump(force=True))).ok
