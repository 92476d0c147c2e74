"""pull: download the deployed Jamf Connect profiles, plus jamf.json describing where they sit.

The files are Jamf Pro's stored profiles byte for byte (``general/payloads``, reference §4),
so ``profilegen validate DIR`` and ``profilegen diff`` judge what Macs really receive.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from profilegen.core.errors import InputError, ServiceError
from profilegen.core.text import json_safe
from profilegen.jamf import PROFILES, READ
from profilegen.jamf.client import Session
from profilegen.jamf.scope import Scope
from profilegen.jamf.wire import stored_profile


INDEX = "jamf.json"
MAX_INDEX = 64 << 20  # a jamf.json of thousands of profiles is a few MiB
_PLAIN = re.compile(r"[^/\\\x00-\x1f]{1,200}\.mobileconfig")


@dataclass(frozen=True)
class Pulled:
    id: int
    name: str
    file: str
    category: str | None
    scope: Scope
    data: bytes


def is_jamf_connect(data: bytes) -> bool:
    from profilegen.profile.read import read_document

    doc, _ = read_document(data, "profile")
    return doc is not None and any(s.component for s in doc.settings)


def pull(session: Session, *, names: Sequence[str] = (), everything: bool = False) -> list[Pulled]:
    from profilegen.jamf.push import read_list

    listed = read_list(session)
    if names:
        wanted = {n.casefold() for n in names}
        found = {name.casefold() for _, name in listed}
        missing = [n for n in names if n.casefold() not in found]
        if missing:
            raise InputError(*(f"--name {n}: Jamf Pro has no profile of that name" for n in missing))
        listed = [(pid, name) for pid, name in listed if name.casefold() in wanted]
    out: list[Pulled] = []
    used: set[str] = set()
    for pid, name in listed:
        try:
            stored = stored_profile(session.get_json(f"{PROFILES}/id/{pid}", privilege=READ))
        except ValueError as exc:
            # Skipped silently, a deployed profile would be missing from DIR and `validate DIR`
            # would judge less than Macs receive.
            raise ServiceError(f"Jamf Pro: profile id {pid}: {exc}; is this Jamf Pro?") from None
        data = stored.payloads.encode("utf-8")
        if not (everything or names) and not is_jamf_connect(data):
            continue
        out.append(Pulled(pid, stored.name or name, _file_name(stored.name or name, pid, used), stored.category,
                          stored.scope, data))
    return out


def _file_name(name: str, pid: int, used: set[str]) -> str:
    """A file name of its own: two names with one slug ("x", "X") are told apart by the id, and
    the result is checked again, since "x-3" may be another profile's slug already."""
    from profilegen.variants.pipeline import slugify

    base = slugify(name)[:100] or f"profile-{pid}"
    slug, n = base, 1
    while slug.casefold() in used:  # case-folded: macOS file systems ignore letter case
        slug = f"{base}-{pid}" if n == 1 else f"{base}-{pid}-{n}"
        n += 1
    used.add(slug.casefold())
    return f"{slug}.mobileconfig"


def previous_files(out: Path) -> set[str] | None:
    """The profile files the previous pull into ``out`` listed in its jamf.json (None: no readable
    jamf.json). Only plain names ending in .mobileconfig count: this list decides what may be
    removed, and a jamf.json edited to name ../something must not reach outside ``out``."""
    try:
        with (out / INDEX).open("rb") as fh:
            raw = fh.read(MAX_INDEX + 1)
        data = json.loads(raw) if len(raw) <= MAX_INDEX else None
    except (OSError, ValueError, RecursionError):
        return None
    entries = data.get("profiles") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return None
    names = {e.get("file") for e in entries if isinstance(e, dict)}
    return {n for n in names if isinstance(n, str) and _PLAIN.fullmatch(n) and n != INDEX}


def stale_files(out: Path, previous: set[str] | None, pulled: Sequence[Pulled]) -> list[Path]:
    """Files of the previous pull whose profiles are gone from Jamf Pro (or were renamed): a
    pull replaces its previous pull, so ``validate DIR`` judges only what is deployed."""
    keep = {p.file.casefold() for p in pulled}
    return [out / n for n in sorted(previous or ()) if n.casefold() not in keep and (out / n).is_file()]


def unrelated_files(out: Path, previous: set[str] | None, pulled: Sequence[Pulled]) -> list[str]:
    """Files in ``out`` that this pull would overwrite although the previous pull did not write
    them: with a jamf.json in the directory, --force replaces that pull's files, never others."""
    if previous is None:
        return []
    mine = {n.casefold() for n in previous}
    return [p.file for p in pulled if p.file.casefold() not in mine and (out / p.file).exists()]


def pulled_files(pulled: Sequence[Pulled]) -> list[tuple[str, bytes]]:
    """The profiles and jamf.json, ready for the project's all-or-nothing writer."""
    entries = [
        {"id": p.id, "name": p.name, "file": p.file, "category": p.category,
         "scope": p.scope.as_json()}
        for p in pulled
    ]
    # json_safe: a name Jamf Pro sent with a lone surrogate (a scope member's, kept because its id
    # identifies it) is written as its \\udXXX escape, so the file is valid UTF-8 JSON.
    index = json_safe(json.dumps({"profiles": entries}, indent=2, ensure_ascii=False)) + "\n"
    return [*((p.file, p.data) for p in pulled), (INDEX, index.encode("utf-8"))]
