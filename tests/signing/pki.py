"""A throwaway PKI for the signing tests, made with cryptography: one root, one intermediate and
leaves of the kinds admins sign profiles with, plus the bad ones the signer must refuse."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

NOW = dt.datetime.now(dt.timezone.utc)
DAY = dt.timedelta(days=1)
# Developer ID Installer EKU, as in Apple's SecPolicy.h (kSecPolicyApplePackageSigning).
DEVELOPER_ID_INSTALLER = ObjectIdentifier("1.2.840.113635.100.4.13")
PASSWORD = "correct horse ☃ battery"


@dataclass(frozen=True)
class Leaf:
    name: str
    cert: x509.Certificate
    key: Any
    cert_pem: Path
    key_pem: Path
    chain_pem: Path | None


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Contoso Test PKI")])


def _rsa(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


_RSA_BY_ROLE: dict[str, rsa.RSAPrivateKey] = {}


def _role_rsa(role: str) -> rsa.RSAPrivateKey:
    """One RSA-2048 key per role, made once per process: generation is the slow part. Keyed by
    role, not handed out from a small pool, because a process may build two PKI objects (a session
    fixture imported into another test module is a second fixture); a pool that had run out gave
    every role of the second PKI the same key, so a leaf matched its intermediate's key."""
    if role not in _RSA_BY_ROLE:
        _RSA_BY_ROLE[role] = _rsa()
    return _RSA_BY_ROLE[role]


def _cert(subject: str, key: Any, issuer: x509.Certificate | None, issuer_key: Any, *, ca: bool,
          eku: list[ObjectIdentifier] | None = None, not_before: dt.datetime | None = None,
          not_after: dt.datetime | None = None, eku_critical: bool = False) -> x509.Certificate:
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer.subject if issuer else _name(subject))
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or NOW - DAY)
        .not_valid_after(not_after or NOW + 365 * DAY)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.public_key()), critical=False)
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
    else:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=eku_critical)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: Any, password: str | None = None) -> bytes:
    enc: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)


class PKI:
    """Root → intermediate → leaves, written as PEM files under ``base``."""

    def __init__(self, base: Path) -> None:
        self.base = base
        base.mkdir(parents=True, exist_ok=True)
        self.root_key = _role_rsa("root")
        self.root = _cert("Test Root CA", self.root_key, None, self.root_key, ca=True, not_after=NOW + 3650 * DAY)
        self.inter_key = _role_rsa("intermediate")
        self.inter = _cert("Test Intermediate CA", self.inter_key, self.root, self.root_key, ca=True, not_after=NOW + 1825 * DAY)
        self.root_pem = self._write("root.pem", _pem(self.root))
        self.inter_pem = self._write("intermediate.pem", _pem(self.inter))
        self.chain_pem = self._write("chain.pem", _pem(self.inter) + _pem(self.root))
        other_key = _role_rsa("other-root")
        self.other_root = _cert("Other Root CA", other_key, None, other_key, ca=True)
        self.other_root_pem = self._write("other-root.pem", _pem(self.other_root))
        self.leaves: dict[str, Leaf] = {}
        self._leaf("codesign", _role_rsa("codesign"), eku=[ExtendedKeyUsageOID.CODE_SIGNING])
        self._leaf("installer", _role_rsa("installer"), eku=[DEVELOPER_ID_INSTALLER], eku_critical=True)
        self._leaf("smime", _role_rsa("smime"), eku=[ExtendedKeyUsageOID.EMAIL_PROTECTION])
        self._leaf("ec", ec.generate_private_key(ec.SECP256R1()), eku=[ExtendedKeyUsageOID.CODE_SIGNING])
        self._leaf("expired", _role_rsa("expired"), eku=[ExtendedKeyUsageOID.CODE_SIGNING],
                   not_before=NOW - 400 * DAY, not_after=NOW - 30 * DAY)
        self._leaf("rsa1024", _rsa(1024), eku=[ExtendedKeyUsageOID.CODE_SIGNING])
        self._leaf("tls", _role_rsa("tls"), eku=[ExtendedKeyUsageOID.SERVER_AUTH])
        self._leaf("foreign", _role_rsa("foreign"), eku=[ExtendedKeyUsageOID.CODE_SIGNING], issuer=self.other_root, issuer_key=other_key)
        self._leaf("selfsigned", _role_rsa("selfsigned"), eku=[ExtendedKeyUsageOID.CODE_SIGNING], self_signed=True)
        leaf = self.leaves["codesign"]
        self.encrypted_key_pem = self._write("codesign.key.enc.pem", _key_pem(leaf.key, PASSWORD))
        self.p12 = self._write("codesign.p12", pkcs12.serialize_key_and_certificates(
            b"Test Code Signing", leaf.key, leaf.cert, [self.inter, self.root],
            serialization.BestAvailableEncryption(PASSWORD.encode())))

    def _write(self, name: str, data: bytes) -> Path:
        path = self.base / name
        path.write_bytes(data)
        return path

    def _leaf(self, name: str, key: Any, *, eku: list[ObjectIdentifier], issuer: x509.Certificate | None = None,
              issuer_key: Any = None, self_signed: bool = False, **kw: Any) -> None:
        if self_signed:
            cert = _cert(f"Test {name}", key, None, key, ca=False, eku=eku, **kw)
            chain = b""
        else:
            cert = _cert(f"Test {name}", key, issuer or self.inter, issuer_key or self.inter_key, ca=False, eku=eku, **kw)
            chain = _pem(self.inter) if issuer is None else b""
        self.leaves[name] = Leaf(
            name, cert, key,
            self._write(f"{name}.pem", _pem(cert)),
            self._write(f"{name}.key.pem", _key_pem(key)),
            self._write(f"{name}.chain.pem", chain) if chain else None,
        )

    def __getitem__(self, name: str) -> Leaf:
        return self.leaves[name]


def impostor(pki: PKI, name: str) -> x509.Certificate:
    """A certificate that names itself like ``name`` (subject, issuer, serial, key identifier) but
    holds another key, issued by the same intermediate: a swapped-in certificate."""
    real = pki[name].cert
    key = _role_rsa("impostor")
    while key.public_key().public_numbers() == real.public_key().public_numbers():
        key = _rsa()
    ski = real.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (
        x509.CertificateBuilder()
        .subject_name(real.subject).issuer_name(real.issuer).public_key(key.public_key())
        .serial_number(real.serial_number)
        .not_valid_before(real.not_valid_before_utc).not_valid_after(real.not_valid_after_utc)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(ski, critical=False)
        .sign(pki.inter_key, hashes.SHA256())
    )


def reissued_with_serial(cert: x509.Certificate, issuer_key: Any, serial: int) -> bytes:
    """DER of ``cert`` with another serial number, signed again by ``issuer_key`` (RSA, SHA-256).
    Built with asn1crypto: cryptography's builder refuses serials that are not positive."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.asymmetric import padding

    parsed = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    tbs = parsed["tbs_certificate"]
    tbs["serial_number"] = serial
    parsed["signature_value"] = issuer_key.sign(tbs.dump(force=True), padding.PKCS1v15(), hashes.SHA256())
    return bytes(parsed.dump(force=True))


def name_chain(pki: PKI, count: int) -> list[bytes]:
    """``count`` small certificates (Ed25519, ~300 bytes) that chain by name from the test
    intermediate's subject: the first names itself like the intermediate (the issuer of every
    leaf) and is issued by ``c00000``, which is issued by ``c00001``, and so on. A chain builder
    that follows names walks all of them. Two certificates are made; the others differ from the
    second in the bytes of its names (their signatures no longer match, as no builder by name
    notices)."""
    from cryptography.hazmat.primitives.asymmetric import ed25519

    key = ed25519.Ed25519PrivateKey.generate()

    def make(subject: x509.Name, issuer: str) -> bytes:
        return (
            x509.CertificateBuilder()
            .subject_name(subject).issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key()).serial_number(1).not_valid_before(NOW - DAY).not_valid_after(NOW + 365 * DAY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, None)
        ).public_bytes(serialization.Encoding.DER)

    head = make(pki.inter.subject, "c00000")
    template = make(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cXXXXX")]), "cYYYYY")
    assert template.count(b"cXXXXX") == template.count(b"cYYYYY") == 1
    return [head] + [template.replace(b"cXXXXX", b"c%05d" % i).replace(b"cYYYYY", b"c%05d" % (i + 1)) for i in range(count - 1)]
