"""What makes a certificate fit to sign profiles: key size, validity, key usage and purpose.

Used by sign (refuse the identity up front) and by verify (report the signer). The sizes are
those Apple's own signing policies ask for (RSA 2048, EC P-256; SecPolicy.h, package signing);
cryptography's verifier accepted a 1024-bit signer, so they are checked here.
"""

from __future__ import annotations

import datetime as dt
import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar, cast

# Names in certificates come from outside: every control and bidi character is escaped (the
# project's one escaping, core.text.one_line) before a subject reaches a terminal or a report.
from profilegen.core.text import one_line as printable

F = TypeVar("F", bound=Callable[..., Any])


def quiet_serials(func: F) -> F:
    """Run ``func`` without cryptography's warning about a serial number that is not positive.

    cryptography warns (CryptographyDeprecationWarning, with a source line) when it parses such a
    certificate or reads its serial; whoever made the file chose the serial, so it is reported as
    ``serial_problem`` says instead. Only that one warning is silenced."""

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        from cryptography.utils import CryptographyDeprecationWarning

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"(?s).*serial number", category=CryptographyDeprecationWarning)
            return func(*args, **kwargs)

    return cast(F, run)


@quiet_serials
def serial_problem(cert: Any, whose: str = "the certificate's") -> str | None:
    """RFC 5280 §4.1.2.2: "The serial number MUST be a positive integer"; cryptography says it will
    refuse to load other certificates in a future release (so a profile signed with one could
    not be verified by profilegen then)."""
    if cert.serial_number > 0:
        return None
    kind = "zero" if cert.serial_number == 0 else "negative"
    return f"{whose} serial number is {kind}; RFC 5280 §4.1.2.2 requires a positive one, have the CA reissue it"


MIN_RSA = 2048
MIN_EC = 256
# Purposes that may sign a profile. Apple states none for profiles; macOS accepts code-signing
# and Developer ID certificates (iMazing, ProfileCreator offers code-signing identities), and CMS
# is S/MIME's own format (openssl's default purpose is S/MIME signing). Apple EKU OIDs from
# SecPolicy.h: 1.2.840.113635.100.4.9 (3rd Party Mac Developer Installer), .4.13 (Developer ID
# Installer).
SIGNING_PURPOSES = {
    "1.3.6.1.5.5.7.3.3": "code signing",
    "1.3.6.1.5.5.7.3.4": "S/MIME",
    "2.5.29.37.0": "any purpose",
    "1.2.840.113635.100.4.9": "Mac Installer",
    "1.2.840.113635.100.4.13": "Developer ID Installer",
}


def key_problem(key: Any) -> str | None:
    """Why a public or private key is too weak or of a kind profiles cannot use; None if fine."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if isinstance(key, (rsa.RSAPublicKey, rsa.RSAPrivateKey)):
        if key.key_size < MIN_RSA:
            return f"RSA key of {key.key_size} bits; use RSA {MIN_RSA} bits or more, or EC P-256"
        return None
    if isinstance(key, (ec.EllipticCurvePublicKey, ec.EllipticCurvePrivateKey)):
        if key.curve.key_size < MIN_EC:
            return f"EC key on {key.curve.name} ({key.curve.key_size} bits); use P-256 or larger"
        return None
    return f"a {type(key).__name__.lstrip('_')} key; profiles are signed with RSA or EC keys"


def validity_problem(cert: Any, when: dt.datetime) -> str | None:
    if when < cert.not_valid_before_utc:
        return f"the signer certificate is not valid before {_day(cert.not_valid_before_utc)} (checked at {_day(when)})"
    if when > cert.not_valid_after_utc:
        return f"the signer certificate expired on {_day(cert.not_valid_after_utc)} (checked at {_day(when)})"
    return None


def purpose_problem(cert: Any) -> str | None:
    """A certificate whose extended key usage or key usage forbids signing content."""
    from cryptography import x509

    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        eku = None
    if eku is not None and not any(oid.dotted_string in SIGNING_PURPOSES for oid in eku):
        names = ", ".join(getattr(oid, "_name", None) or oid.dotted_string for oid in eku)
        return f"the signer certificate is for {names} only; use a code signing, Developer ID Installer or S/MIME certificate"
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return None
    if not (usage.digital_signature or usage.content_commitment):
        return "the signer certificate's key usage does not allow digital signatures"
    return None


def certificate_problems(cert: Any, when: dt.datetime) -> list[str]:
    found = [validity_problem(cert, when), purpose_problem(cert), serial_problem(cert, "the signer certificate's")]
    weak = key_problem(cert.public_key())
    if weak:
        found.append(f"the signer's {weak}")
    return [p for p in found if p]


@quiet_serials
def describe(cert: Any) -> dict[str, str]:
    """The signer as verify's JSON reports it."""
    return {
        "subject": printable(cert.subject.rfc4514_string()),
        "issuer": printable(cert.issuer.rfc4514_string()),
        "serial": format(cert.serial_number, "x"),
        "not_before": cert.not_valid_before_utc.isoformat(),
        "not_after": cert.not_valid_after_utc.isoformat(),
    }


def _day(when: dt.datetime) -> str:
    return f"{when.year:04d}-" + when.strftime("%m-%d %H:%M UTC")  # %Y gives "1", not "0001", on glibc
