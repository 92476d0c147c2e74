"""What `sign` signs: already signed input is unwrapped only with --resign, and input with error
findings is refused unless validation is turned off. It lives in validate, not signing, because
signing sits below the reader (profile.read checks signatures) and may not import the pipeline."""

from __future__ import annotations

from profilegen.core.errors import InputError
from profilegen.signing.cms import CmsError, looks_signed, parse, subject_of


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
        from profilegen.rules.findings import Severity
        from profilegen.validate.pipeline import check_bytes

        result = check_bytes(data, name)
        errors = [f for f in result.findings if f.severity is Severity.ERROR]
        if not errors and result.document is not None and not result.document.is_profile:
            raise InputError(f"{name}: bare preferences, not a configuration profile; sign a .mobileconfig (generate --file-type mobileconfig)")
        if errors:
            lines = [f"{name}: {f.key + ': ' if f.key else ''}{f.code}: {f.message}" for f in errors]
            raise InputError(*lines, f"{name}: not signed: fix the errors above, or pass --no-validate")
    return data, notes
