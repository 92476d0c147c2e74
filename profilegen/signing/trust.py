"""The chain check: from the signer to a trust bundle the user names (--ca-file), with
cryptography.x509.verification (cryptography >= 45 for ExtensionPolicy).

The web-PKI defaults do not fit profile signers: the client verifier demands the clientAuth
purpose, and its CA policy refuses real intermediates with a non-critical basicConstraints or
without keyUsage. So the end-entity policy takes any extensions (the purpose is checked by
keys.purpose_problem), and the CA policy asks only that a CA be a CA.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from profilegen.core.errors import InputError, read_problem
from profilegen.signing.keys import quiet_serials

MAX_BUNDLE = 16 << 20
# Intermediates between the signer and a root, at most: cryptography's own default, set here so
# that the bound is ours (docs/signing.md, "Signatures from strangers").
MAX_CHAIN_DEPTH = 8


@dataclass(frozen=True)
class Trust:
    """Root certificates to verify signers against."""

    source: str
    roots: tuple[Any, ...]

    def __reduce__(self) -> tuple[Any, ...]:
        # cryptography's certificates do not pickle; a spawned validate worker (core/pool.py)
        # receives the trust store as DER and loads it again.
        from cryptography.hazmat.primitives.serialization import Encoding

        return (_from_der, (self.source, tuple(c.public_bytes(Encoding.DER) for c in self.roots)))

    @quiet_serials
    def check(self, leaf: Any, intermediates: Sequence[Any], when: dt.datetime) -> tuple[list[Any], str | None]:
        """(chain from leaf to a root, None) or ([], why the signer is not trusted)."""
        from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

        builder = PolicyBuilder().store(Store(list(self.roots))).time(when).max_chain_depth(MAX_CHAIN_DEPTH)
        builder = builder.extension_policies(ca_policy=_ca_policy(), ee_policy=_ee_policy())
        try:
            verified = builder.build_client_verifier().verify(leaf, list(intermediates))
        except VerificationError as exc:
            reason = str(exc).split(" (encountered processing", 1)[0].removeprefix("validation failed: ")
            if "candidates exhausted" in reason:
                reason = "no chain leads to a certificate in it"
            return [], f"not trusted by {self.source}: {reason}"
        return list(verified.chain), None


@quiet_serials
def _from_der(source: str, roots: tuple[bytes, ...]) -> Trust:
    from cryptography import x509

    return Trust(source, tuple(x509.load_der_x509_certificate(der) for der in roots))


def _ca_policy() -> Any:
    from cryptography import x509
    from cryptography.x509.verification import Criticality, ExtensionPolicy

    def is_ca(_policy: Any, cert: Any, value: Any) -> None:
        if not value.ca:
            raise ValueError(f"{cert.subject.rfc4514_string()} is not a CA (basicConstraints CA:FALSE)")

    def may_sign_certs(_policy: Any, cert: Any, value: Any) -> None:
        if value is not None and not value.key_cert_sign:
            raise ValueError(f"{cert.subject.rfc4514_string()} may not sign certificates (keyUsage)")

    return (
        ExtensionPolicy.permit_all()
        .require_present(x509.BasicConstraints, Criticality.AGNOSTIC, is_ca)
        .may_be_present(x509.KeyUsage, Criticality.AGNOSTIC, may_sign_certs)
    )


def _ee_policy() -> Any:
    from cryptography.x509.verification import ExtensionPolicy

    return ExtensionPolicy.permit_all()


@quiet_serials
def load_trust(path: Path, *, option: str = "--ca-file") -> Trust:
    """Every certificate in a PEM bundle (or one DER certificate). InputError when there is none."""
    from cryptography import x509

    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BUNDLE + 1)
    except OSError as exc:
        raise InputError(f"{option}: " + read_problem(exc, where=str(path), wanted="a PEM file of CA certificates")) from None
    if len(data) > MAX_BUNDLE:
        raise InputError(f"{option}: {path} is over {MAX_BUNDLE >> 20} MiB; give a PEM file of CA certificates")
    try:
        roots = x509.load_pem_x509_certificates(data) if b"-----BEGIN" in data else [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise InputError(f"{option}: {path} holds no readable certificate; give a PEM file of CA certificates") from None
    return Trust(str(path), tuple(roots))


def chain_in_file(leaf: Any, others: Sequence[Any]) -> list[Any]:
    """The leaf and its issuers as far as the file's own certificates go (by name, no trust).
    Candidates are indexed by subject once (the first one of a name in file order is taken);
    a certificate is used once, so a loop of names ends."""
    by_subject: dict[Any, list[Any]] = {}  # cryptography's Name: hashable, and compared as before
    for cert in others:
        by_subject.setdefault(cert.subject, []).append(cert)
    chain = [leaf]
    used = {id(leaf)}
    while chain[-1].issuer != chain[-1].subject:
        issuer = next((c for c in by_subject.get(chain[-1].issuer, ()) if id(c) not in used), None)
        if issuer is None:
            break
        chain.append(issuer)
        used.add(id(issuer))
    return chain
