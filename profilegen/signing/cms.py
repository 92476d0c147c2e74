"""Parse a signed profile (CMS SignedData, DER or PEM) with asn1crypto. Nothing is verified here.

The signer of a SignerInfo is named either by issuer and serial number (version 1) or by subject
key identifier (version 3: `openssl cms -sign -keyid`, and Apple's own tools). Both are matched
against the certificates in the file; the first certificate is never assumed to be the signer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

PEM_KINDS = ("CMS", "PKCS7")


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
    certificates: tuple[bytes, ...]  # DER, in file order
    signers: tuple[Signer, ...]

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
        certs = tuple(c.chosen.dump() for c in signed["certificates"] or [] if c.name == "certificate")
        signers = tuple(_signer(si, signed["certificates"]) for si in signed["signer_infos"])
        return SignedProfile(content, encap["content_type"].dotted, certs, signers)
    except CmsError:
        raise
    except Exception as exc:  # noqa: BLE001 - asn1crypto raises many types on bad DER
        raise CmsError(f"not a readable signed profile ({exc})") from None


def _signer(si: Any, cert_set: Any) -> Signer:
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
        cert=signer_certificate(si["sid"], cert_set),
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


def signer_certificate(sid: Any, cert_set: Any) -> bytes | None:
    """DER of the certificate a SignerIdentifier names, or None when the file does not hold it."""
    for choice in cert_set or []:
        if choice.name != "certificate":
            continue
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if cert.serial_number == wanted["serial_number"].native and cert.issuer == wanted["issuer"]:
                return bytes(cert.dump())
        elif sid.name == "subject_key_identifier" and sid.chosen.native in _key_ids(cert):
            return bytes(cert.dump())
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
