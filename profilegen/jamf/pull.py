"""pull: download the deployed Jamf Connect profiles, plus jamf.json describing where they sit.

The files are Jamf Pro's stored profiles byte for byte (``general/payloads``, reference §4),
so ``profilegen validate DIR`` and ``profilegen diff`` judge what Macs really receive.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from profilegen.core.errors import InputError
from profilegen.jamf import PROFILES, READ
from profilegen.jamf.client import Session
from profilegen.jamf.scope import Scope
from profilegen.jamf.wire import stored_profile


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
        except ValueError:
            continue  # not a profile we can read; nothing to download
        data = stored.payloads.encode("utf-8")
        if not (everything or names) and not is_jamf_connect(data):
            continue
        out.append(Pulled(pid, stored.name or name, _file_name(stored.name or name, pid, used), stored.category,
                          stored.scope, data))
    return out


def _file_name(name: str, pid: int, used: set[str]) -> str:
    from profilegen.variants.pipeline import slugify

    slug = slugify(name)[:100] or f"profile-{pid}"
    if slug.casefold() in used:
        slug = f"{slug}-{pid}"  # two names with one slug: the id tells them apart
    used.add(slug.casefold())
    return f"{slug}.mobileconfig"


def pulled_files(pulled: Sequence[Pulled]) -> list[tuple[str, bytes]]:
    """The profiles and jamf.json, ready for the project's all-or-nothing writer."""
    entries = [
        {"id": p.id, "name": p.name, "file": p.file, "category": p.category,
         "scope": p.scope.as_json()}
        for p in pulled
    ]
    index = json.dumps({"profiles": entries}, indent=2, ensure_ascii=False) + "\n"
    return [*((p.file, p.data) for p in pulled), ("jamf.json", index.encode("utf-8"))]
