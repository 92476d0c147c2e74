"""Sign profile bytes: DER CMS SignedData, content attached and unchanged, SHA-256, the chain
without the root.

cryptography's PKCS7SignatureBuilder rewrites LF to CRLF inside the content unless Binary is
set; NoCapabilities leaves out the S/MIME capabilities attribute (a profile is no e-mail). A
signing-time attribute is always added, so two signatures of the same bytes differ.
"""

from __future__ import annotations

from profilegen.signing.identity import Identity
from profilegen.signing.keys import quiet_serials


@quiet_serials
def sign_bytes(content: bytes, identity: Identity) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

    builder = pkcs7.PKCS7SignatureBuilder().set_data(content).add_signer(identity.cert, identity.key, hashes.SHA256())
    for cert in identity.chain:
        builder = builder.add_certificate(cert)
    return builder.sign(Encoding.DER, [pkcs7.PKCS7Options.Binary, pkcs7.PKCS7Options.NoCapabilities])
