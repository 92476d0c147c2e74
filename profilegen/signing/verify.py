"""Verify a signed profile: content digest, signature over the signed attributes, the signer's
certificate (key size, validity, key usage) and, given a trust bundle, its chain.

cryptography has no public CMS verify function (pyca/cryptography #12267), so the CMS is parsed
with asn1crypto (cms.py) and every signature is checked with cryptography's public-key verify.
Problems come in three kinds, which validate reports as three rules: ``broken`` (PG111, the
bytes changed after signing or cannot be checked), ``certificate`` (PG112) and ``untrusted``
(PG113, only with a trust bundle).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from profilegen.signing.cms import MAX_CERTIFICATES, MAX_SIGNERS, CmsError, SignedProfile, Signer, parse
from profilegen.signing.keys import certificate_problems, describe, printable, quiet_serials
from profilegen.signing.trust import Trust, chain_in_file

HASHES = {"sha1", "sha224", "sha256", "sha384", "sha512"}
ID_DATA = "1.2.840.113549.1.7.1"


@dataclass
class Verdict:
    """What verify and validate report for one file."""

    signed: bool
    broken: list[str] = field(default_factory=list)
    certificate: list[str] = field(default_factory=list)
    untrusted: list[str] = field(default_factory=list)
    trusted: bool | None = None  # None: no trust bundle given
    signer: dict[str, str] | None = None
    chain: list[str] = field(default_factory=list)
    signer_der: bytes | None = None
    content: bytes | None = None
    checked_at: dt.datetime | None = None

    @property
    def intact(self) -> bool:
        return self.signed and not self.broken

    @property
    def problems(self) -> list[str]:
        return [*self.broken, *self.certificate, *self.untrusted] if self.signed else ["not signed"]

    @property
    def ok(self) -> bool:
        """Exit 0 for verify: intact, a sound signer certificate, and trusted when a bundle was given."""
        return self.intact and not self.certificate and self.trusted is not False


def verify_bytes(data: bytes, *, trust: Trust | None = None, at: dt.datetime | str = "now") -> Verdict:
    """Check one file's bytes. ``at`` is a time, "now" or "signing-time". Never raises for bad input."""
    try:
        signed = parse(data)
    except CmsError as exc:
        return Verdict(True, broken=[f"not a readable signed profile: {exc}"])
    return verify_signed(signed, trust=trust, at=at)


@quiet_serials
def verify_signed(signed: SignedProfile, *, trust: Trust | None = None, at: dt.datetime | str = "now") -> Verdict:
    verdict = Verdict(True, content=signed.content)
    if not signed.signers:
        verdict.broken.append("no SignerInfo: the file carries content but no signature")
        return verdict
    if signed.content_type != ID_DATA:
        verdict.broken.append(f"the signed content type is {signed.content_type}, not id-data; this is no signed profile")
    if signed.signers_in_file > len(signed.signers):
        verdict.broken.append(f"the file carries {signed.signers_in_file} SignerInfos; only the first {MAX_SIGNERS} were "
                              "checked (a signed profile has one), so the others cannot be vouched for")
    if signed.certificates_in_file > MAX_CERTIFICATES:
        verdict.certificate.append(f"the file carries {signed.certificates_in_file} certificates; only the first {MAX_CERTIFICATES} "
                                   "were looked at for the signer and its chain (a signed profile carries two to four)")
    for signer in signed.signers:
        verdict.broken.extend(signature_problems(signed.content, signer))
    first = signed.signers[0]
    when = _time(at, first, verdict)
    verdict.checked_at = when
    if first.cert is None:
        return verdict
    leaf = _load(first.cert)
    if leaf is None:
        verdict.broken.append("the signer's certificate is damaged and cannot be read")
        return verdict
    others = [c for c in (_load(d) for d in signed.certificates if d != first.cert) if c is not None]
    verdict.signer_der = first.cert
    verdict.signer = describe(leaf)
    verdict.chain = [printable(c.subject.rfc4514_string()) for c in chain_in_file(leaf, others)]
    verdict.certificate.extend(certificate_problems(leaf, when))
    if trust is not None:
        chain, problem = trust.check(leaf, others, when)
        verdict.trusted = problem is None
        if problem:
            verdict.untrusted.append(problem)
        else:
            verdict.chain = [printable(c.subject.rfc4514_string()) for c in chain]
    return verdict


@quiet_serials
def _load(der: bytes) -> Any:
    """A cryptography certificate, or None for bytes that asn1crypto took but cryptography refuses."""
    from cryptography import x509

    try:
        cert = x509.load_der_x509_certificate(der)
        # cryptography decodes lazily: touch every part used later, so damage shows here.
        cert.public_key(), cert.subject.rfc4514_string(), cert.issuer.rfc4514_string(), cert.extensions
        cert.not_valid_before_utc, cert.not_valid_after_utc
        return cert
    except Exception:  # noqa: BLE001 - damaged DER: ValueError, InvalidVersion, UnsupportedAlgorithm
        return None


def _time(at: dt.datetime | str, signer: Signer, verdict: Verdict) -> dt.datetime:
    now = dt.datetime.now(dt.timezone.utc)
    if isinstance(at, dt.datetime):
        return at
    if at == "signing-time":
        if signer.signing_time is None:
            why = signer.signing_time_problem or "the signature carries no signing time"
            verdict.certificate.append(f"--at signing-time: {why}; give --at now or a date")
            return now
        return signer.signing_time
    return now


def signature_problems(content: bytes, signer: Signer) -> list[str]:
    """Why this SignerInfo does not verify over ``content`` ([] when it does)."""
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

    if signer.digest_algorithm not in HASHES:
        return [f"digest algorithm {signer.digest_algorithm} is not accepted; re-sign with SHA-256"]
    digest = hashlib.new(signer.digest_algorithm, content).digest()
    problems = []
    if signer.signed_attrs is not None:
        if signer.message_digest is None:
            problems.append("the signed attributes have no message digest; the content is not covered by the signature")
        elif signer.message_digest != digest:
            problems.append("content digest does not match: the profile was changed after it was signed")
        if signer.content_type is not None and signer.content_type != ID_DATA:
            problems.append("the signed content-type attribute is not id-data")
    if signer.cert is None:
        problems.append(f"the signer's certificate (named by {signer.sid}) is not in the file; the signature cannot be checked")
        return problems
    covered = signer.signed_attrs if signer.signed_attrs is not None else content
    cert = _load(signer.cert)
    if cert is None:
        return [*problems, "the signer's certificate is damaged and cannot be read"]
    try:
        _verify(cert.public_key(), signer.signature, covered, signer)
    except InvalidSignature:
        problems.append("the signature does not verify with the signer's key: the file was changed after it was signed")
    except (UnsupportedAlgorithm, ValueError, TypeError, KeyError, OverflowError) as exc:
        # Parameters from the file: asn1crypto parses them only now, cryptography checks them
        # only as it verifies, and either raises these for values no signer writes.
        problems.append(f"the signature cannot be checked ({printable(str(exc)[:300])})")
    return problems


def _hash(name: str) -> Any:
    from cryptography.hazmat.primitives import hashes

    table: dict[str, Callable[[], hashes.HashAlgorithm]] = {
        "sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}
    return table[name]()


def _verify(key: Any, signature: bytes, data: bytes, signer: Signer) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

    algo = signer.signature_algorithm
    kind = algo.signature_algo
    if kind == "rsassa_pss":  # first: asn1crypto's hash_algo reads the parameters unchecked
        rsa_key = _rsa(key, rsa)
        pss, digest = _pss(algo["parameters"], rsa_key.key_size)
        rsa_key.verify(signature, data, pss, digest)
        return
    try:
        hash_name = algo.hash_algo
    except ValueError:  # rsaEncryption alone: the SignerInfo's digest algorithm applies
        hash_name = signer.digest_algorithm
    if kind == "rsassa_pkcs1v15":
        _rsa(key, rsa).verify(signature, data, padding.PKCS1v15(), _hash(hash_name))
    elif kind == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(signature, data, ec.ECDSA(_hash(hash_name)))
    elif kind == "ed25519" and isinstance(key, ed25519.Ed25519PublicKey):
        key.verify(signature, data)
    else:
        raise ValueError(f"signature algorithm {kind} does not fit a {type(key).__name__}")


def _pss(params: Any, key_bits: int) -> tuple[Any, Any]:
    """The padding and hash an RSASSA-PSS SignerInfo names, checked first: the parameters sit
    outside what the signature covers, so anyone may set them (a salt length of 2^70 made
    cryptography raise OverflowError). RFC 8017 §9.1.1 bounds the salt by the key: emLen =
    ceil((modBits - 1) / 8) >= hLen + sLen + 2; RFC 4055 §3.1 allows MGF1 and trailer field 1 only."""
    from asn1crypto import algos
    from cryptography.hazmat.primitives.asymmetric import padding

    if not isinstance(params, algos.RSASSAPSSParams):
        raise ValueError("RSASSA-PSS without its parameters (RFC 4055 §3.1 requires them)")
    mgf = params["mask_gen_algorithm"]
    if mgf["algorithm"].native != "mgf1":
        raise ValueError(f"RSASSA-PSS mask generation {printable(str(mgf['algorithm'].dotted))} is not MGF1")
    digest, mgf_digest = (_named_hash(params["hash_algorithm"]), _named_hash(mgf["parameters"]))
    trailer = params["trailer_field"].native
    if trailer != "trailer_field_bc":
        raise ValueError(f"RSASSA-PSS trailer field {number(trailer)} is not 1 (RFC 4055 §3.1)")
    salt = params["salt_length"].native
    most = (key_bits - 1 + 7) // 8 - digest.digest_size - 2
    if not 0 <= salt <= most:
        raise ValueError(f"RSASSA-PSS salt length {number(salt)} does not fit a {key_bits}-bit key with {digest.name} (0 to {most})")
    return padding.PSS(padding.MGF1(mgf_digest), salt), digest


def _named_hash(algorithm: Any) -> Any:
    name = algorithm["algorithm"].native
    if name not in HASHES:
        raise ValueError(f"RSASSA-PSS hash {printable(str(algorithm['algorithm'].dotted))} is not accepted")
    return _hash(name)


def number(value: object) -> str:
    """An integer read from a stranger's ASN.1, short enough to print (str() of a 5,000-digit
    integer raises ValueError since Python 3.11, and nobody reads one)."""
    if isinstance(value, int) and abs(value) >= 10**18:
        return f"(a {'negative ' if value < 0 else ''}{value.bit_length()}-bit number)"
    return printable(str(value))


def _rsa(key: Any, rsa: Any) -> Any:
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError(f"an RSA signature from a {type(key).__name__}")
    return key


def summarize(verdicts: Sequence[Verdict]) -> bool:
    """True when every file verified (verify's exit 0)."""
    return all(v.ok for v in verdicts)
