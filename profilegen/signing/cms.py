"""Parse a signed profile (CMS SignedData, DER or PEM) with asn1crypto. Nothing is verified here.

The signer of a SignerInfo is named either by issuer and serial number (version 1) or by subject
key identifier (version 3: `openssl cms -sign -keyid`, and Apple's own tools). Both are matched
against the certificates in the file; the first certificate is never assumed to be the signer.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

PEM_KINDS = ("CMS", "PKCS7")
# Bounds on a stranger's file (docs/signing.md, "Signatures from strangers"). A signed profile
# carries its signer and the signer's few issuers (Apple Configurator, `openssl cms -sign
# -certfile`, `profilegen sign`: two to four certificates) and one SignerInfo. Without a bound
# a 4 MiB file holds ~13,000 small certificates, and following names through them was quadratic
# (20 s for verify). What lies beyond the caps is not looked at, and verify says so.
MAX_CERTIFICATES = 50
MAX_SIGNERS = 8


class CmsError(ValueError):
    """The bytes are not a readable signed profile; the message says why."""


@dataclass(frozen=True)
class Signer:
    """One SignerInfo, and the certificate (DER) it names, when the file holds it."""

    sid: str  # "issuer and serial number" or "subject key identifier"
    cert: bytes | None
    digest_algorithm: str  # asn1crypto's name: sha1, sha256, ...
    signature_algorithm: Any  # asn1crypto SignedDigestAlgorithm
    signature: bytes
    signed_attrs: bytes | None  # DER, re-tagged as the SET OF that the signature covers
    message_digest: bytes | None
    content_type: str | None
    signing_time: dt.datetime | None  # in UTC; None when absent or unusable (signing_time_problem)
    signing_time_problem: str | None = None


@dataclass(frozen=True)
class SignedProfile:
    content: bytes
    content_type: str
    certificates: tuple[bytes, ...]  # DER, in file order, the first MAX_CERTIFICATES
    signers: tuple[Signer, ...]  # the first MAX_SIGNERS
    certificates_in_file: int = 0  # how many the file carries (more than len(certificates) past the cap)
    signers_in_file: int = 0

    @property
    def signer(self) -> Signer | None:
        return self.signers[0] if self.signers else None


def looks_signed(data: bytes) -> bool:
    """DER (a SEQUENCE) or PEM armour: what read.py treats as a signed profile."""
    return data[:1] == b"\x30" or data.lstrip()[:11] == b"-----BEGIN "


def unarmor(data: bytes) -> bytes:
    """DER bytes of a PEM-armoured CMS (openssl cms -outform PEM); DER passes through."""
    if data[:1] == b"\x30":
        return data
    from asn1crypto import pem

    try:
        kind, _, der = pem.unarmor(data.strip())
    except Exception as exc:  # noqa: BLE001 - asn1crypto raises several types
        raise CmsError(f"unreadable PEM ({exc})") from None
    if kind not in PEM_KINDS:
        raise CmsError(f"a PEM {kind} block, not a signed profile")
    return bytes(der)


def parse(data: bytes) -> SignedProfile:
    """The content, certificates and signers of a SignedData. Raises CmsError for anything else."""
    from asn1crypto import cms

    der = unarmor(data)
    try:
        info = cms.ContentInfo.load(der, strict=True)
        if info["content_type"].native != "signed_data":
            raise CmsError(f"a CMS {info['content_type'].native}, not SignedData")
        signed = info["content"]
        encap = signed["encap_content_info"]
        content = encap["content"].native
        if not isinstance(content, bytes):
            raise CmsError("no embedded content (a detached signature)")
        choices = signed["certificates"] or []
        # Other choices (attribute certificates) are never a signer or an issuer; they count
        # towards the cap all the same, so the work stays bounded.
        kept = [c.chosen for c in itertools.islice(choices, MAX_CERTIFICATES) if c.name == "certificate"]
        index = _index(kept)
        infos = signed["signer_infos"]
        signers = tuple(_signer(si, index) for si in itertools.islice(infos, MAX_SIGNERS))
        certs = tuple(bytes(c.dump()) for c in kept)
        return SignedProfile(content, encap["content_type"].dotted, certs, signers, len(choices), len(infos))
    except CmsError:
        raise
    except Exception as exc:  # noqa: BLE001 - asn1crypto raises many types on bad DER
        # asn1crypto's message goes on with "while parsing ..." lines: its first line says what.
        raise CmsError(f"damaged DER ({_first_line(exc)})") from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return (text.splitlines() or [type(exc).__name__])[0][:200]


def _signer(si: Any, index: dict[Any, bytes]) -> Signer:
    attrs = si["signed_attrs"]
    raw_attrs = None
    digest = ctype = when = when_problem = None
    if attrs.native is not None and len(attrs):
        # The signature covers the attributes' DER with the universal SET OF tag, not [0] (RFC 5652 §5.4).
        dumped = attrs.dump()
        raw_attrs = b"\x31" + dumped[1:]
        for attr in attrs:
            kind = attr["type"].native
            values = attr["values"]
            if kind == "message_digest":
                digest = values[0].native
            elif kind == "content_type":
                ctype = values[0].dotted
            elif kind == "signing_time":
                when, when_problem = _signing_time(values[0].native)
    return Signer(
        sid="subject key identifier" if si["sid"].name == "subject_key_identifier" else "issuer and serial number",
        cert=signer_certificate(si["sid"], index),
        digest_algorithm=si["digest_algorithm"]["algorithm"].native,
        signature_algorithm=si["signature_algorithm"],
        signature=si["signature"].native,
        signed_attrs=raw_attrs,
        message_digest=digest,
        content_type=ctype,
        signing_time=when,
        signing_time_problem=when_problem,
    )


def _signing_time(value: Any) -> tuple[dt.datetime | None, str | None]:
    """RFC 5652 §11.3: a signing time is in UTC, ending in Z. asn1crypto gives a naive datetime
    for a GeneralizedTime without Z and an extended_datetime for year 0; neither compares with a
    certificate's validity, so they are refused here with the reason instead of guessed at."""
    if not isinstance(value, dt.datetime):
        return None, "the signing time is outside the years 1 to 9999"
    if value.tzinfo is None:
        return None, f"the signing time {value.isoformat()} names no time zone (RFC 5652 §11.3 asks for UTC, ending in Z)"
    try:
        return value.astimezone(dt.timezone.utc), None
    except OverflowError:
        return None, "the signing time is outside the years 1 to 9999 in UTC"


def _index(certs: list[Any]) -> dict[Any, bytes]:
    """Each certificate's DER under the keys a SignerIdentifier names it by: ("serial", issuer
    name as asn1crypto compares names, serial number) and ("keyid", identifier). The first
    certificate wins a tie, as a scan in file order would: one pass instead of one per signer."""
    index: dict[Any, bytes] = {}
    for cert in certs:
        der = bytes(cert.dump())
        try:
            keys = [("serial", cert.issuer.hashable, cert.serial_number), *(("keyid", k) for k in _key_ids(cert))]
        except Exception:  # noqa: BLE001 - a damaged certificate names nobody; verify reports what it can read
            continue
        for key in keys:
            index.setdefault(key, der)
    return index


def signer_certificate(sid: Any, index: dict[Any, bytes]) -> bytes | None:
    """DER of the certificate a SignerIdentifier names, or None when the file does not hold it."""
    if sid.name == "issuer_and_serial_number":
        wanted = sid.chosen
        return index.get(("serial", wanted["issuer"].hashable, wanted["serial_number"].native))
    if sid.name == "subject_key_identifier":
        return index.get(("keyid", sid.chosen.native))
    return None


def _key_ids(cert: Any) -> set[bytes]:
    """The certificate's subject key identifier extension and, for certificates without one, the
    SHA-1 of its public key (RFC 5280 §4.2.1.2 method 1, what openssl computes)."""
    ids = {cert.public_key.sha1}
    if cert.key_identifier is not None:
        ids.add(cert.key_identifier)
    return ids


def subject_of(cert_der: bytes | None) -> str:
    """The certificate's subject as people read it: ``Common Name: X, Organization: Y``."""
    if cert_der is None:
        return "an unknown signer (its certificate is not in the file)"
    from asn1crypto import x509

    from profilegen.signing.keys import printable

    try:
        return printable(str(x509.Certificate.load(cert_der).subject.human_friendly))
    except Exception:  # noqa: BLE001 - a damaged certificate: asn1crypto parses lazily, raises many types
        return "a signer whose certificate is damaged"
