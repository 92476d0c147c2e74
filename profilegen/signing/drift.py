"""Signed output of `variants`: which files on disk are already up to date, signed.

A signature carries its signing time, so signing the same profile twice gives different bytes.
A file on disk counts as up to date when its signed content equals what would be generated, its
signature verifies and its signer is the certificate of this run. Such a file is kept as it is
(no rewrite, no --force, the manifest's sha256 stays valid); `variants --check` compares signed
content this way and reports a signature that no longer verifies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from profilegen.signing.cms import CmsError, looks_signed, parse, subject_of
from profilegen.signing.verify import verify_signed


@dataclass(frozen=True)
class Settled:
    data: bytes  # what the run plans for this file: the file on disk, a new signature, or unsigned bytes
    notes: tuple[str, ...] = ()  # why the file on disk is not an up-to-date signed copy


def settle(path: Path, unsigned: bytes, *, signer: Any, sign: Callable[[bytes], bytes] | None) -> Settled:
    """``signer``: the certificate this run signs with (None: the run writes unsigned files).
    ``sign``: makes a new signature (None in --check mode, which never signs)."""
    from cryptography.hazmat.primitives.serialization import Encoding

    current = _current(path)
    want = signer.public_bytes(Encoding.DER) if signer is not None else None
    notes: list[str] = []
    if current is not None and looks_signed(current):
        try:
            signed = parse(current)
        except CmsError as exc:
            return Settled(sign(unsigned) if sign else unsigned, (f"unreadable signature: {exc}",))
        verdict = verify_signed(signed)
        if verdict.broken:
            notes.append(f"signature no longer verifies: {verdict.broken[0]}")
        if want is None:
            notes.append("signed on disk, but this run writes it unsigned; give the signing identity (--cert is enough with --check)")
        elif verdict.signer_der != want:
            notes.append(f"signed by {subject_of(verdict.signer_der)}, not by the certificate of this run")
        if not notes and signed.content == unsigned:
            return Settled(current)
    elif current is not None and want is not None:
        notes.append("not signed; this run signs it")
    return Settled(sign(unsigned) if sign else unsigned, tuple(notes))


def settle_files(
    out_dir: Path, files: Sequence[tuple[str, bytes]], *, signer: Any, sign: Callable[[bytes], bytes] | None
) -> dict[str, Settled]:
    return {name: settle(out_dir / name, data, signer=signer, sign=sign) for name, data in files}


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None
