"""validate: read → check in layers → findings. Per-file problems are values, never exceptions.

Layers: the file and its XML (read.py, PG1xx) · the envelope (PG2xx) · every key against the
catalog (PG3xx) · Entra ID and Conditional Access (PG4xx) · security (PG5xx).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from profilegen.catalog import Component, load_catalog
from profilegen.catalog.check import check_preferences
from profilegen.catalog.relations import relation_issues, required_issues
from profilegen.errors import InputError
from profilegen.findings import Finding, Severity
from profilegen.read import MAX_BYTES, Document, read_document, too_large
from profilegen.rules import finding, load_all, run, waive
from profilegen.rules.catalog import CODE_OF_KIND
from profilegen.shapes import Settings

SUFFIXES = (".mobileconfig", ".plist")


@dataclass(frozen=True)
class FileResult:
    path: str
    findings: list[Finding]
    document: Document | None = None

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)


def validate_bytes(data: bytes, name: str, *, domain: Component | None = None) -> list[Finding]:
    return check_bytes(data, name, domain=domain).findings


def check_bytes(data: bytes, name: str, *, domain: Component | None = None, trust: Any = None) -> FileResult:
    load_all()
    doc, findings = read_document(data, name, domain=domain, trust=trust)
    if doc is not None:
        findings = [locate(doc, doc.data, f) for f in findings]
        findings.extend(check_document(doc))
    return FileResult(name, findings, doc)


def locate(doc: Document, base: Any, found: Finding) -> Finding:
    """``found`` with the line of its key; ``base`` is the dictionary its key path starts in."""
    if doc.lines is None or found.line is not None or not found.key:
        return found
    return replace(found, line=doc.lines.line_of(base, found.key))


def check_document(doc: Document) -> Iterator[Finding]:
    if doc.is_profile:
        yield from (locate(doc, doc.data, f) for f in run("envelope", doc.data))
    pair = _pair(doc.settings)
    for settings in doc.settings:
        found = (locate(doc, settings.data, f) for f in check_settings(settings))
        peer = _peer(pair, settings)
        yield from (found if peer is None else waive(found, peer))
    if pair is not None:
        # Pair rules name keys of the menu bar profile (IdPSettings.TenantID, IdPSettings.ROPGID).
        yield from (locate(doc, pair[1].data, f) for f in run("pair", pair[0].data, pair[1].data))


def check_settings(settings: Settings) -> Iterator[Finding]:
    if settings.component is None:
        return
    catalog = load_catalog(settings.component)
    issues = [*check_preferences(catalog, settings.data), *required_issues(catalog, settings.data), *relation_issues(catalog, settings.data)]
    for issue in issues:
        yield finding(CODE_OF_KIND[issue.kind], issue.path, issue.message)
    yield from run(settings.component, settings.data)
    yield from run("prefs", settings.data)


def _pair(settings: Sequence[Settings]) -> tuple[Settings, Settings] | None:
    """The login window and the menu bar, when exactly one of each is present."""
    logins = [s for s in settings if s.component == "login"]
    menubars = [s for s in settings if s.component == "menubar"]
    return (logins[0], menubars[0]) if len(logins) == 1 and len(menubars) == 1 else None


def _peer(pair: tuple[Settings, Settings] | None, settings: Settings) -> Mapping[str, Any] | None:
    if pair is None or not any(settings is s for s in pair):
        return None
    return pair[1].data if settings is pair[0] else pair[0].data


def expand(paths: Iterable[str]) -> list[str]:
    """Files as given; directories walked recursively for *.mobileconfig and *.plist; '-' kept."""
    out: list[str] = []
    for raw in paths:
        if raw == "-":
            out.append(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            # Case-insensitive: Finder and Windows shares keep names like Contoso.MOBILECONFIG.
            found = sorted(str(p) for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
            if not found:
                raise InputError(f"{raw}: no *.mobileconfig or *.plist files in this directory; give a folder of profiles")
            out.extend(found)
        elif path.exists():
            out.append(raw)
        else:
            raise InputError(f"{raw}: no such file or directory; check the path")
    return out


def read_input(path: str, stdin: bytes | None) -> bytes | Finding:
    if path == "-":
        return stdin or b""
    try:
        with open(path, "rb") as fh:
            # A regular file's size is known without reading it: PG105 names the real size.
            # A pipe or device is read up to the limit; past it, all we know is "more than".
            info = os.fstat(fh.fileno())
            size = info.st_size if stat.S_ISREG(info.st_mode) else None
            if size is not None and size > MAX_BYTES:
                return too_large(size)
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        return finding("PG106", None, f"cannot read the file: {exc.strerror}")
    if len(data) > MAX_BYTES:
        return too_large(None)
    return data


def validate_paths(
    paths: Sequence[str], *, domain: Component | None = None, stdin: bytes | None = None, trust: Any = None
) -> list[FileResult]:
    """Validate every file; the login/menu bar pair is also compared across files when the run
    holds exactly one of each. ``trust`` (signing.trust.Trust) checks signers' chains."""
    results: list[FileResult] = []
    for path in expand(paths):
        name = "<stdin>" if path == "-" else path
        data = read_input(path, stdin)
        if isinstance(data, Finding):
            results.append(FileResult(name, [data]))
        else:
            results.append(check_bytes(data, name, domain=domain, trust=trust))
    _cross_file_pair(results)
    return results


def _cross_file_pair(results: list[FileResult]) -> None:
    owners = [(r, s) for r in results if r.document for s in r.document.settings if s.component]
    if len({id(r) for r, _ in owners}) < 2:
        return
    logins = [(r, s) for r, s in owners if s.component == "login"]
    menubars = [(r, s) for r, s in owners if s.component == "menubar"]
    if len(logins) == 1 and len(menubars) == 1 and logins[0][0] is not menubars[0][0]:
        (login_file, login), (owner, menubar) = logins[0], menubars[0]
        login_file.findings[:] = waive(login_file.findings, menubar.data)
        owner.findings[:] = waive(owner.findings, login.data)
        extra = [
            replace(f, message=f"{f.message} (login window: {logins[0][0].path})")
            for f in run("pair", logins[0][1].data, menubar.data)
        ]
        doc = owner.document
        owner.findings.extend(locate(doc, menubar.data, f) if doc else f for f in extra)
