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
from typing import Any, BinaryIO

from profilegen.catalog import Component, load_catalog
from profilegen.catalog.check import check_preferences
from profilegen.catalog.relations import relation_issues, required_issues
from profilegen.core.errors import InputError
from profilegen.core.pool import run_chunks
from profilegen.profile.read import (
    MAX_BYTES,
    Document,
    read_document,
    read_value,
    too_large,
    with_lines,
)
from profilegen.profile.shapes import Settings
from profilegen.rules import finding, load_all, run, security, waive
from profilegen.rules.catalog import CODE_OF_KIND
from profilegen.rules.findings import Finding, Severity

SUFFIXES = (".mobileconfig", ".plist")


@dataclass(frozen=True, slots=True)
class FileResult:
    """One validated file: its path, its findings and, when it could be read, its document."""

    path: str
    findings: list[Finding]
    document: Document | None = None

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)


def validate_bytes(data: bytes, name: str, *, domain: Component | None = None) -> list[Finding]:
    return check_bytes(data, name, domain=domain).findings


def check_bytes(
    data: bytes, name: str, *, domain: Component | None = None, trust: Any = None, careful: bool = False
) -> FileResult:
    load_all()
    doc, findings = read_document(data, name, domain=domain, trust=trust, careful=careful)
    if doc is None:
        return FileResult(name, findings, doc)
    based = [(doc.data, f) for f in findings]
    based.extend(_based_findings(doc))
    if doc.fast and any(f.key for _, f in based):
        # The fast path keeps no line map: build it now that a finding about a key needs one.
        # A clean file (most of them) is parsed once.
        doc = with_lines(doc, data)
    return FileResult(name, [locate(doc, base, f) for base, f in based], doc)


def locate(doc: Document, base: Any, found: Finding) -> Finding:
    """``found`` with the line of its key; ``base`` is the dictionary its key path starts in."""
    if doc.lines is None or found.line is not None or not found.key:
        return found
    return replace(found, line=doc.lines.line_of(base, found.key))


def check_value(value: Any, name: str, *, domain: Component | None = None) -> list[Finding]:
    """validate's findings for a value the renderer produced and parsed back (generate.Document
    .value): every check after the XML layer, whose work the parse-back has already done."""
    load_all()
    doc, findings = read_value(value, name, domain=domain)
    if doc is not None:
        findings.extend(check_document(doc))
    return findings


def check_document(doc: Document) -> Iterator[Finding]:
    return (locate(doc, base, f) for base, f in _based_findings(doc))


def _based_findings(doc: Document) -> Iterator[tuple[Any, Finding]]:
    """Every finding with the dictionary its key path starts in (for locate)."""
    if doc.is_profile:
        yield from ((doc.data, f) for f in run("envelope", doc.data))
    pair = _pair(doc.settings)
    for settings in doc.settings:
        found: Iterable[Finding] = check_settings(settings)
        peer = _peer(pair, settings)
        yield from ((settings.data, f) for f in (found if peer is None else waive(found, peer)))
    if pair is not None:
        # Pair rules name keys of the menu bar profile (IdPSettings.TenantID, IdPSettings.ROPGID).
        yield from ((pair[1].data, f) for f in run("pair", pair[0].data, pair[1].data))


def version_findings(doc: Document, data: bytes, targets: Any) -> list[Finding]:
    """PG310/PG311 for ``targets`` (catalog.versions.Targets: validate --target-version)."""
    found = [(s.data, f) for s in doc.settings if s.component is not None
             for f in run("versions", s.data, s.component, targets)]
    if found and doc.lines is None and doc.fast:
        doc = with_lines(doc, data)
    return [locate(doc, base, f) for base, f in found]


def check_settings(settings: Settings) -> Iterator[Finding]:
    if settings.component is None:
        return
    catalog = load_catalog(settings.component)
    issues = [*check_preferences(catalog, settings.data), *required_issues(catalog, settings.data), *relation_issues(catalog, settings.data)]
    for issue in issues:
        yield finding(CODE_OF_KIND[issue.kind], issue.path, issue.message)
    yield from run(settings.component, settings.data)
    try:
        yield from run("prefs", settings.data)
    finally:
        security.forget()  # the PG5xx rules walked settings.data once between them


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
            found = _profiles_under(path)
            if not found:
                raise InputError(f"{raw}: no *.mobileconfig or *.plist files in this directory; give a folder of profiles")
            out.extend(found)
        elif path.exists():
            out.append(raw)
        else:
            # After "--" an option is a file name: say so when one looks like an option.
            hint = ("; after '--' options are file names (in a pre-commit hook, end args with '--': args: [--strict, --])"
                    if raw.startswith("-") else "; check the path")
            raise InputError(f"{raw}: no such file or directory{hint}")
    return out


def _profiles_under(root: Path) -> list[str]:
    """Every *.mobileconfig / *.plist file below ``root``, sorted, named as ``root / ...`` names it.

    os.walk instead of Path.rglob (issue 21, memory flat): rglob remembers every path it has
    yielded (about 0.5 KiB per file: 50,000 files took 39 MiB to list, os.walk 20 MiB). The
    same files as rglob("*") on 3.11-3.13: hidden ones too, a symlink to a file is listed, a
    symlink to a folder is not entered (followlinks=False; rglob's default). Where rglob stopped
    the whole listing silently at the first folder it could not read (3.11) and a validate run
    then passed on what it had, a folder that cannot be listed is an input error."""

    def unreadable(exc: OSError) -> None:
        raise InputError(f"{exc.filename}: cannot list this folder ({exc.strerror}); fix its permissions or leave it out")

    found: list[str] = []
    for folder, _dirs, names in os.walk(root, onerror=unreadable):
        for name in names:
            if os.path.splitext(name)[1].lower() in SUFFIXES:
                full = os.path.join(folder, name)
                if os.path.isfile(full):
                    found.append(str(Path(full)))  # Path's spelling, as rglob gave: "./a.plist" is "a.plist"
    found.sort()
    return found


def read_input(path: str, stdin: bytes | None) -> bytes | Finding:
    """The file's bytes, or a finding. A regular file's size is known without reading it: an
    oversized one is reported with its real size (PG105) and never read, and a small one costs
    its own size, not a MAX_BYTES buffer per file. A pipe or device is read in chunks up to the
    limit; past it, all we know is "more than"."""
    if path == "-":
        return stdin or b""
    try:
        with open(path, "rb") as fh:
            info = os.fstat(fh.fileno())
            if stat.S_ISREG(info.st_mode):
                if info.st_size > MAX_BYTES:
                    return too_large(info.st_size)
                data = fh.read(info.st_size + 1)
                if len(data) > info.st_size:  # it grew since fstat: read on, up to the limit
                    data += _read_chunks(fh, MAX_BYTES + 1 - len(data))
            else:
                data = _read_chunks(fh, MAX_BYTES + 1)
    except OSError as exc:
        return finding("PG106", None, f"cannot read the file: {exc.strerror}")
    if len(data) > MAX_BYTES:
        return too_large(None)
    return data


def _read_chunks(fh: BinaryIO, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < limit and (chunk := fh.read(min(1 << 16, limit - size))):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def validate_paths(
    paths: Sequence[str],
    *,
    domain: Component | None = None,
    stdin: bytes | None = None,
    trust: Any = None,
    jobs: int | None = None,
    targets: Any = None,
) -> list[FileResult]:
    """Validate every file; the login/menu bar pair is also compared across files when the run
    holds exactly one of each. ``trust`` (signing.trust.Trust) checks signers' chains. ``jobs``
    worker processes share a large batch (default: one per CPU; small batches stay in this
    process); the results are the same, in the same order, as a serial run's."""
    return list(iter_results(paths, domain=domain, stdin=stdin, trust=trust, jobs=jobs, targets=targets))


def iter_results(
    paths: Sequence[str],
    *,
    domain: Component | None = None,
    stdin: bytes | None = None,
    trust: Any = None,
    jobs: int | None = None,
    targets: Any = None,
) -> Iterator[FileResult]:
    """validate_paths as a stream, so a report can be written while the run goes on and memory
    stays flat. Results wait only while the cross-file pair is still possible (at most one
    login window and one menu bar seen so far): the pair's findings go to the menu bar file's
    result, which must not have been given out before the run knows."""
    files = expand(paths)
    held: list[FileResult] = []
    pair = Pair()
    done = 0
    for chunk_results, chunk_pair in run_chunks(check_files, files, (domain, stdin, trust, targets), jobs):
        pair.merge(chunk_pair, offset=done)
        done += len(chunk_results)
        held.extend(chunk_results)
        if pair.logins > 1 or pair.menubars > 1:  # no single pair any more: nothing to wait for
            yield from held
            held.clear()
    if held and len(held) == done:
        pair.report(held, domain=domain, stdin=stdin, trust=trust)
    yield from held


def check_files(
    files: Sequence[str], domain: Component | None, stdin: bytes | None, trust: Any, targets: Any = None
) -> tuple[list[FileResult], Pair]:
    """Check a run of files; keep of each parsed document only what the cross-file login/menu
    bar comparison needs (Pair), so memory stays flat however many files a run holds."""
    results: list[FileResult] = []
    pair = Pair()
    for path in files:
        name = "<stdin>" if path == "-" else path
        data = read_input(path, stdin)
        if isinstance(data, Finding):
            results.append(FileResult(name, [data]))
            continue
        result = check_bytes(data, name, domain=domain, trust=trust)
        findings = result.findings
        if result.document is not None:
            pair.add(len(results), path, result.document.settings)
            if targets is not None:
                findings = [*findings, *version_findings(result.document, data, targets)]
        results.append(FileResult(name, findings))
    return results, pair


@dataclass
class Pair:
    """How many files hold Jamf Connect settings, how many login and menu bar settings there
    are, and where the first of each is (result index, input path): all the cross-file
    comparison needs. When it applies (one of each in the whole run, in two files) the two
    files are read again, so no document is kept, and none has to travel back from a worker."""

    owners: int = 0
    logins: int = 0
    menubars: int = 0
    login: tuple[int, str] | None = None
    menubar: tuple[int, str] | None = None

    def add(self, index: int, path: str, settings: Sequence[Settings]) -> None:
        found = [s.component for s in settings if s.component]
        if not found:
            return
        self.owners += 1
        self.logins += found.count("login")
        self.menubars += found.count("menubar")
        if "login" in found and self.login is None:
            self.login = (index, path)
        if "menubar" in found and self.menubar is None:
            self.menubar = (index, path)

    def merge(self, other: Pair, *, offset: int) -> None:
        self.owners += other.owners
        self.logins += other.logins
        self.menubars += other.menubars
        if self.login is None and other.login is not None:
            self.login = (other.login[0] + offset, other.login[1])
        if self.menubar is None and other.menubar is not None:
            self.menubar = (other.menubar[0] + offset, other.menubar[1])

    def report(self, results: list[FileResult], *, domain: Component | None, stdin: bytes | None, trust: Any) -> None:
        """Append the pair findings to the menu bar file's, naming the login window file."""
        if self.owners < 2 or self.logins != 1 or self.menubars != 1:
            return
        assert self.login is not None and self.menubar is not None
        if self.login[0] == self.menubar[0]:
            return
        login = _settings_of(self.login[1], "login", domain, stdin, trust)
        menubar = _settings_of(self.menubar[1], "menubar", domain, stdin, trust)
        if login is None or menubar is None:  # changed on disk since it was checked: no pair to compare
            return
        login_path = results[self.login[0]].path
        doc, settings = menubar
        # Findings one side's settings settle are waived (Rule.waived_by_peer), then the pair's.
        results[self.login[0]].findings[:] = waive(results[self.login[0]].findings, settings.data)
        results[self.menubar[0]].findings[:] = waive(results[self.menubar[0]].findings, login[1].data)
        results[self.menubar[0]].findings.extend(
            locate(doc, settings.data, replace(f, message=f"{f.message} (login window: {login_path})"))
            for f in run("pair", login[1].data, settings.data)
        )


def _settings_of(
    path: str, component: str, domain: Component | None, stdin: bytes | None, trust: Any
) -> tuple[Document, Settings] | None:
    data = read_input(path, stdin)
    if isinstance(data, Finding):
        return None
    doc, _ = read_document(data, "<stdin>" if path == "-" else path, domain=domain, trust=trust, careful=True)
    found = [s for s in doc.settings if s.component == component] if doc is not None else []
    return (doc, found[0]) if doc is not None and len(found) == 1 else None
