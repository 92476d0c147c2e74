"""Sign profile bytes: DER CMS SignedData, content attached and unchanged, SHA-256, the chain
without the root.

cryptography's PKCS7SignatureBuilder rewrites LF to CRLF inside the content unless Binary is
set; NoCapabilities leaves out the S/MIME capabilities attribute (a profile is no e-mail). A
signing-time attribute is always added, so two signatures of the same bytes differ.
"""

from __future__ import annotations

from profilegen.errors import InputError
from profilegen.signing.cms import CmsError, looks_signed, parse, subject_of
from profilegen.signing.identity import Identity


def sign_bytes(content: bytes, identity: Identity) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

    builder = pkcs7.PKCS7SignatureBuilder().set_data(content).add_signer(identity.cert, identity.key, hashes.SHA256())
    for cert in identity.chain:
        builder = builder.add_certificate(cert)
    return builder.sign(Encoding.DER, [pkcs7.PKCS7Options.Binary, pkcs7.PKCS7Options.NoCapabilities])


def content_to_sign(data: bytes, name: str, *, resign: bool, validate: bool) -> tuple[bytes, list[str]]:
    """The bytes to sign and notes for stderr. Already signed input needs ``resign`` (its inner
    content is signed again); input with error findings is refused unless ``validate`` is off."""
    notes: list[str] = []
    if looks_signed(data):
        try:
            signed = parse(data)
        except CmsError as exc:
            raise InputError(f"{name}: looks signed but is {exc}; give the unsigned profile") from None
        signer = subject_of(signed.signer.cert if signed.signer else None)
        if not resign:
            raise InputError(f"{name}: already signed by {signer}; pass --resign to sign its content again")
        from profilegen.signing.verify import verify_signed

        verdict = verify_signed(signed)
        if verdict.broken:
            notes.append(f"{name}: the old signature did not verify ({verdict.broken[0]}); its content was signed anew")
        data = signed.content
    if validate:
        from profilegen.findings import Severity
        from profilegen.validate import check_bytes

        result = check_bytes(data, name)
        errors = [f for f in result.findings if f.severity is Severity.ERROR]
        if not errors and result.document is not None and not result.document.is_profile:
            raise InputError(f"{name}: bare preferences, not a configuration profile; sign a .mobileconfig (generate --format mobileconfig)")
        if errors:
            lines = [f"{name}: {f.key + ': ' if f.key else ''}{f.code}: {f.message}" for f in errors]
            raise InputError(*lines, f"{name}: not signed: fix the errors above, or pass --no-validate")
    return data, notes
