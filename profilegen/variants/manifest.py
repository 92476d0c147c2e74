"""What a variants run puts in its output directory: the files, manifest.json, and drift checks.

``manifest.json`` is ``{"variants": [{"name", "slug", "files": [{"path", "identifier", "uuid",
"sha256"}]}]}`` with sorted keys, variants in file order and a trailing newline, so the same
inputs give the same bytes. ``--file-type plist`` files have no identifier or UUID: null.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from profilegen.core.errors import InputError
from profilegen.core.writer import write_files
from profilegen.variants.pipeline import Outcome, VariantFile

MANIFEST = "manifest.json"


def manifest_entry(outcome: Outcome) -> dict[str, Any]:
    """With a jamf: block, the variant records it and each file its Jamf Pro name (jamf push reads them)."""
    files: list[dict[str, Any]] = [
        {"path": d.filename, "identifier": d.identifier, "uuid": d.uuid, "sha256": hashlib.sha256(d.data).hexdigest()}
        for d in outcome.documents
    ]
    entry: dict[str, Any] = {"name": outcome.variant.name, "slug": outcome.variant.slug, "files": files}
    if outcome.jamf is not None:
        entry["jamf"] = dict(outcome.jamf)
        for item, name in zip(files, outcome.jamf_names):
            item["jamf_name"] = name
    return entry


def jamf_name_problems(outcomes: Sequence[Outcome]) -> list[str]:
    """Two profiles with one Jamf Pro name (letter case aside) would overwrite each other."""
    seen: dict[str, str] = {}
    problems = []
    for outcome in outcomes:
        for doc, name in zip(outcome.documents, outcome.jamf_names):
            first = seen.setdefault(name.casefold(), f"{outcome.variant.name} ({doc.filename})")
            if first != f"{outcome.variant.name} ({doc.filename})":
                problems.append(f"{outcome.variant.name} ({doc.filename}): Jamf Pro name {name!r} is also the name of "
                                f"{first}; make jamf.name unique, e.g. with {{{{ variant.name }}}} and {{{{ component }}}}")
    return problems


def manifest_bytes(entries: Sequence[Mapping[str, Any]]) -> bytes:
    text = json.dumps({"variants": list(entries)}, indent=2, sort_keys=True, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def read_manifest(out_dir: Path) -> list[dict[str, Any]]:
    """Entries of an existing manifest.json; [] when there is none or it is not ours."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        return []
    entries = data.get("variants") if isinstance(data, dict) else None
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("slug"), str)] if isinstance(entries, list) else []


def plan(vf: VariantFile, outcomes: Sequence[Outcome], *, out_dir: Path, partial: bool) -> list[tuple[str, bytes]]:
    """Every file to be in ``out_dir``: the good variants' documents, then manifest.json.

    With ``partial`` (``--only``) the manifest keeps the existing entries of the variants that
    were not rendered this time, as long as the file still defines them, so it stays complete.
    """
    good = [o for o in outcomes if o.ok]
    entries = {o.variant.slug: manifest_entry(o) for o in good}
    if partial:
        rendered = {o.variant.slug for o in outcomes}
        for entry in read_manifest(out_dir):
            if entry["slug"] not in rendered:
                entries.setdefault(entry["slug"], entry)
    ordered = [entries[v.slug] for v in vf.variants if v.slug in entries]
    files = [(d.filename, d.data) for o in good for d in o.documents]
    files.append((MANIFEST, manifest_bytes(ordered)))
    return files


def write_plan(out_dir: Path, files: Sequence[tuple[str, bytes]], *, force: bool) -> tuple[list[Path], int]:
    """Write the files whose bytes differ from what is there; identical files are left alone.

    Returns (paths written, number unchanged). A different existing file needs ``force``.
    """
    changed = [(name, data) for name, data in files if _current(out_dir / name) != data]
    written = write_files(out_dir, changed, force=force) if changed else []
    return written, len(files) - len(changed)


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None


@dataclass(frozen=True)
class Drift:
    """How ``out_dir`` differs from the plan. Empty ``missing``, ``extra`` and ``changed``: clean."""

    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    unchanged: int = 0

    @property
    def drifted(self) -> int:
        """How many files are missing, extra or changed."""
        return len(self.missing) + len(self.extra) + len(self.changed)

    @property
    def clean(self) -> bool:
        return self.drifted == 0

    def lines(self, out_dir: Path) -> list[str]:
        out = [f"missing: {out_dir / n}" for n in self.missing]
        out += [f"extra: {out_dir / n} (not generated from this config)" for n in self.extra]
        for name, details in self.changed.items():
            out.append(f"changed: {out_dir / name}")
            out.extend(f"  {d}" for d in details)
        return out


def check_dir(out_dir: Path, files: Sequence[tuple[str, bytes]], *, complete: bool = True) -> Drift:
    """Compare ``out_dir`` with the plan without writing. ``complete=False`` skips extra files."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--out: {out_dir} is not a directory; give the output directory to check")
    missing, changed, unchanged = [], {}, 0
    for name, data in files:
        current = _current(out_dir / name)
        if current is None:
            missing.append(name)
        elif current == data:
            unchanged += 1
        else:
            changed[name] = _explain(name, data, current)
    planned = {name for name, _ in files}
    extra = []
    if complete and out_dir.is_dir():
        extra = sorted(p.name for p in out_dir.iterdir() if p.is_file() and not p.name.startswith(".") and p.name not in planned)
    return Drift(missing, extra, changed, unchanged)


def _explain(name: str, expected: bytes, current: bytes) -> list[str]:
    """Key-level lines from what is on disk to what would be generated."""
    if name == MANIFEST:
        return _explain_manifest(expected, current)
    from profilegen.variants.diff import diff_bytes

    try:
        changes = diff_bytes(current, expected, name_a=f"{name} (on disk)", name_b=f"{name} (generated)")
    except InputError as exc:
        return list(exc.problems)
    return [c.line() for c in changes] or ["same settings, different bytes (formatting or encoding); regenerate it"]


def _explain_manifest(expected: bytes, current: bytes) -> list[str]:
    want = {e["slug"]: e for e in json.loads(expected)["variants"]}
    try:
        have = {e["slug"]: e for e in json.loads(current)["variants"]}
    except (ValueError, KeyError, TypeError, RecursionError):
        return ["not a profilegen manifest (unreadable JSON or wrong shape)"]
    lines = [f"+ variants.{s}" for s in want if s not in have]
    lines += [f"- variants.{s}" for s in have if s not in want]
    lines += [f"~ variants.{s}: files differ" for s in want if s in have and want[s] != have[s]]
    return lines or ["same entries, different bytes; regenerate it"]
