"""The signing identity: a certificate, its private key and the chain to send along, from PEM
files (--cert/--key/--chain) or a PKCS #12 file (--p12, what Keychain Access exports).

Passwords arrive through a callback that the CLI backs with PROFILEGEN_KEY_PASSWORD, a hidden
prompt or --password-stdin; it is called only when a key turns out to be encrypted. A password
never appears in a message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from profilegen.core.errors import InputError, read_problem
from profilegen.signing.keys import key_problem, quiet_serials, serial_problem, validity_problem

MAX_FILE = 1 << 20


class Password:
    """A password as bytes; its repr never shows it."""

    def __init__(self, value: bytes) -> None:
        self._value = value

    def reveal(self) -> bytes:
        return self._value

    def __repr__(self) -> str:
        return "Password('********')"

    __str__ = __repr__


PasswordSource = Callable[[str], "Password | None"]


def _refuse_unusable(secret: Password, where: str, *, utf8: bool) -> None:
    """cryptography passes the password to OpenSSL as a C string, and reads a PKCS #12 one as
    UTF-8: a NUL byte made it panic (an uncatchable PanicException) and other bytes raised a
    TypeError, both exit 70 (issue 19). They are refused with one line instead."""
    value = secret.reveal()
    if b"\x00" in value:
        raise InputError(f"{where}: the password holds a NUL byte, which no key file can use; check the password")
    if utf8:
        try:
            value.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{where}: the password is not UTF-8 text, which PKCS #12 requires; check its encoding") from None


@dataclass(frozen=True)
class Identity:
    cert: Any  # cryptography x509.Certificate
    key: Any
    chain: tuple[Any, ...]  # intermediates, without the root
    source: str

    @property
    def subject(self) -> str:
        return str(self.cert.subject.rfc4514_string())


def read_small(path: Path, option: str, wanted: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE + 1)
    except OSError as exc:
        raise InputError(f"{option}: " + read_problem(exc, where=str(path), wanted=wanted)) from None
    if len(data) > MAX_FILE:
        raise InputError(f"{option}: {path} is over 1 MiB; give {wanted}")
    return data


@quiet_serials
def load_certificates(path: Path, option: str) -> list[Any]:
    from cryptography import x509

    data = read_small(path, option, "a PEM certificate file")
    try:
        if b"-----BEGIN" in data:
            return list(x509.load_pem_x509_certificates(data))
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise InputError(f"{option}: {path} holds no readable certificate; give a PEM certificate file") from None


def load_pem_identity(cert: Path, key: Path | None, chain: Path | None, password: PasswordSource) -> Identity:
    from cryptography.hazmat.primitives.serialization import (
        load_der_private_key,
        load_pem_private_key,
    )

    leaf = load_certificates(cert, "--cert")[0]
    if key is None:
        raise InputError("--key: required with --cert; give the private key of the certificate (PEM)")
    data = read_small(key, "--key", "a PEM private key")
    loader = load_pem_private_key if b"-----BEGIN" in data else load_der_private_key
    try:
        private = loader(data, None)
    except TypeError:  # encrypted: now, and only now, ask for the password
        secret = password(str(key))
        if secret is None:
            raise InputError(f"--key: {key} is encrypted; set PROFILEGEN_KEY_PASSWORD, pass --password-stdin, or run on a terminal") from None
        try:
            _refuse_unusable(secret, f"--key: {key}", utf8=False)
            private = loader(data, secret.reveal())
        except (ValueError, TypeError):
            raise InputError(f"--key: {key}: wrong password, or the key is damaged; check the password") from None
    except ValueError:
        raise InputError(f"--key: {key} holds no readable private key; give a PEM private key") from None
    extra = load_certificates(chain, "--chain") if chain is not None else []
    return Identity(leaf, private, _chain(leaf, extra), str(cert))


@quiet_serials
def load_p12_identity(path: Path, password: PasswordSource) -> Identity:
    from cryptography.hazmat.primitives.serialization import pkcs12

    data = read_small(path, "--p12", "a .p12 file exported from Keychain Access")
    loaded = None
    for attempt in (None, b""):  # no password, then the empty one some exports use
        try:
            loaded = pkcs12.load_key_and_certificates(data, attempt)
            break
        except ValueError:
            continue
    if loaded is None:
        secret = password(str(path))
        if secret is None:
            raise InputError(f"--p12: {path} needs a password; set PROFILEGEN_KEY_PASSWORD, pass --password-stdin, or run on a terminal")
        _refuse_unusable(secret, f"--p12: {path}", utf8=True)
        try:
            loaded = pkcs12.load_key_and_certificates(data, secret.reveal())
        except ValueError:
            raise InputError(f"--p12: {path}: wrong password, or not a PKCS #12 file; check the password and the file") from None
    key, cert, extra = loaded
    if cert is None or key is None:
        raise InputError(f"--p12: {path} holds no certificate with its private key; export the identity, not just the certificate")
    return Identity(cert, key, _chain(cert, list(extra)), str(path))


def _chain(leaf: Any, extra: list[Any]) -> tuple[Any, ...]:
    """The certificates to embed: every CA certificate but self-issued roots and the leaf itself."""
    out = []
    for cert in extra:
        if cert == leaf or cert.subject == cert.issuer or cert in out:
            continue
        out.append(cert)
    return tuple(out)


@quiet_serials
def check_identity(identity: Identity, *, allow_expired: bool = False, now: dt.datetime | None = None) -> None:
    """Refuse an identity that cannot make a sound signature. InputError names the file."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    where = identity.source
    spki = Encoding.DER, PublicFormat.SubjectPublicKeyInfo
    if identity.key.public_key().public_bytes(*spki) != identity.cert.public_key().public_bytes(*spki):
        raise InputError(f"{where}: the private key does not belong to the certificate {identity.subject}; give the matching key")
    weak = key_problem(identity.key)
    if weak:
        raise InputError(f"{where}: {weak}")
    # Refused, not noted: verify would report the signature it makes (PG112), and a future
    # cryptography refuses to read the certificate at all.
    serial = serial_problem(identity.cert)
    if serial:
        raise InputError(f"{where}: {serial}")
    if not allow_expired:
        problem = validity_problem(identity.cert, now or dt.datetime.now(dt.timezone.utc))
        if problem:
            raise InputError(f"{where}: {problem}; renew it, or pass --allow-expired")
