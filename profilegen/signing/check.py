"""validate's view of a signature: PG108 names the signer and says what was checked; PG111
(broken), PG112 (signer certificate) and PG113 (untrusted, with --ca-file) report problems."""

from __future__ import annotations

from typing import Any

from profilegen.rules import finding
from profilegen.rules.findings import Finding
from profilegen.signing.cms import SignedProfile, subject_of
from profilegen.signing.verify import verify_signed


def check_signature(signed: SignedProfile, trust: Any = None) -> tuple[str, list[Finding]]:
    """(signer subject, findings) for a parsed signed profile."""
    signer = subject_of(signed.signer.cert if signed.signer else None)
    verdict = verify_signed(signed, trust=trust)
    if verdict.broken:
        state = "signature broken, content checked"
    elif verdict.trusted:
        state = f"signature intact, trusted by {trust.source}, content checked"
    elif trust is None:
        state = "signature intact, not checked against a trust store (--ca-file), content checked"
    else:
        state = "signature intact, content checked"
    found = [finding("PG108", None, f"signed by {signer}; {state}")]
    found += [finding("PG111", None, p) for p in verdict.broken]
    found += [finding("PG112", None, p) for p in verdict.certificate]
    found += [finding("PG113", None, p) for p in verdict.untrusted]
    return signer, found
