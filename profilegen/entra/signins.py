"""Triage exported Entra sign-in logs: which Jamf Connect "failures" are MFA noise, which are
real wrong passwords.

Readers stream: Graph ``signIn`` JSON through ``jsonstream`` and the portal CSV through
``csv.reader``; nothing holds more than one record. Field names:
https://learn.microsoft.com/en-us/graph/api/resources/signin (``status.errorCode`` 0 = success).
CSV headers vary in case and spacing between downloads ("Application ID " has a trailing
space), so they are matched after folding case and white space (azure-facts section 4.3).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from profilegen.entra.classify import CATEGORIES, UNKNOWN, WRONG_PASSWORD, category_for_code
from profilegen.entra.jsonstream import iter_json_records
from profilegen.errors import InputError, read_problem

JAMF_CONNECT_NAME = "jamf connect"
JSON_FIX = "is this a Graph signIn export (auditLogs/signIns) or the portal's JSON download?"
# Folded CSV header -> field. The first spelling found wins; later duplicates are ignored.
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "time": ("date (utc)", "date", "createddatetime", "created date time"),
    "user": ("username", "user principal name", "userprincipalname", "user"),
    "app_id": ("application id", "appid", "app id"),
    "app_name": ("application", "appdisplayname", "app display name"),
    "error_code": ("sign-in error code", "errorcode", "error code", "status.errorcode"),
    "status": ("status",),
}

EXPLANATION = (
    "How to read this (docs/entra-id.md, \"Conditional Access designs\"): a Jamf Connect ROPG password check "
    "that Entra answers with AADSTS50076 (or 50079, 50072, 50074, 50158) had the right password; MFA was "
    "required, ROPG cannot answer an MFA prompt, so Entra logs a failed sign-in while Jamf Connect counts the "
    "password as verified. The same holds for Conditional Access blocks (53003 and similar), which run after "
    "the password check. Only AADSTS50126 (wrong_password) is a real wrong password. Whether password checks "
    "log as single-factor successes depends on the Conditional Access design, not on the scope alone: design A "
    "(custom API scope only in OIDCScopes, ROPGScopes = openid+email+profile) needs the MFA policy to target the "
    "private API app and no MFA policy on \"All cloud apps\"; design B (custom API scope in ROPGScopes) needs "
    "that API app excluded from every \"All cloud apps\" policy. Excluding the Jamf Connect app itself no longer "
    "helps checks that ask only for openid/profile/email since Microsoft's change to policies with resource "
    "exclusions (https://learn.microsoft.com/en-us/entra/identity/conditional-access/concept-enforcement-resource-exclusions). "
    "profilegen validate names the design your profile implements (PG420)."
)


@dataclass(frozen=True)
class SignIn:
    time: str
    user: str
    app_id: str | None
    app_name: str
    # None: the export has no error code for this sign-in (status or errorCode missing/null,
    # or an empty "Sign-in error code" on a non-success row). Such rows are counted as
    # skipped, not classified: without a code nothing says whether the password was right,
    # and the JSON report's error_code must stay an int. One such row must not make the
    # whole file unreadable either; the CLI reports the skipped count on stderr.
    error_code: int | None

    @property
    def category(self) -> str:
        return category_for_code(self.error_code) if self.error_code is not None else UNKNOWN


def _fold(header: str) -> str:
    return " ".join(header.split()).casefold()


HEAD_LIMIT = 1 << 16
_BLANK = b" \t\r\n"


class _Prefixed(io.RawIOBase):
    """The already-read head of a stream, then the rest of it: files are opened and read once,
    so /dev/stdin and process substitution work."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head = head
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n] = self.head[:n]
            self.head = self.head[n:]
            return n
        data = self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _open_once(fh: IO[bytes]) -> tuple[str, IO[bytes]]:
    """('json' when the first non-blank character opens JSON, else 'csv'; the whole stream)."""
    head = b""
    while len(head) < HEAD_LIMIT:
        chunk = fh.read(4096)
        if not chunk:
            break
        head += chunk
        if head.removeprefix(codecs.BOM_UTF8).lstrip(_BLANK):
            break
    first = head.removeprefix(codecs.BOM_UTF8).lstrip(_BLANK)[:1]
    return ("json" if first in (b"[", b"{") else "csv"), io.BufferedReader(_Prefixed(head, fh))


def iter_signins(path: Path) -> Iterator[SignIn]:
    """Every sign-in in one export file; InputError names file and line for unreadable input."""
    try:
        with path.open("rb") as raw:
            fmt, fh = _open_once(raw)
            if fmt == "json":
                for record, line in iter_json_records(fh, path):
                    yield _from_graph(record, path, line)
            else:
                yield from _iter_csv(_decoded_lines(fh, path), path)
    except OSError as exc:
        raise InputError(read_problem(exc, where=str(path), wanted="an exported sign-in log (CSV or JSON)")) from None


def _from_graph(record: Any, path: Path, line: int) -> SignIn:
    if not isinstance(record, dict):
        raise InputError(f"{path}:{line}: a sign-in must be a JSON object, found {type(record).__name__}; {JSON_FIX}")
    status = record.get("status")
    raw = status.get("errorCode") if isinstance(status, dict) else None
    code = _code(raw)
    if raw is not None and code is None:
        raise InputError(f"{path}:{line}: status.errorCode {raw!r} is not an integer; {JSON_FIX}")
    user = record.get("userPrincipalName") or record.get("userDisplayName") or record.get("userId") or ""
    app_id = record.get("appId")
    return SignIn(
        time=str(record.get("createdDateTime") or ""),
        user=str(user),
        app_id=str(app_id) if app_id else None,
        app_name=str(record.get("appDisplayName") or ""),
        error_code=code,
    )


def _code(raw: Any) -> int | None:
    """An int error code from an int or a numeric string ("50126"); None for anything else."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit() and raw.strip().isascii():
        return int(raw.strip())
    return None


def _decoded_lines(fh: IO[bytes], path: Path) -> Iterator[str]:
    """Decode line by line (a UTF-8 sequence never contains a newline byte), so an encoding
    error names its physical line."""
    for number, raw in enumerate(fh, start=1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{path}:{number}: not UTF-8 text; download the sign-in log again as CSV") from None


def _iter_csv(fh: Iterator[str], path: Path) -> Iterator[SignIn]:
    reader = csv.reader(fh)
    try:
        header = next(reader, None)
        if header is None:
            raise InputError(f"{path}:1: empty file; download the sign-in log as CSV or JSON")
        index = _column_index(header, path)
        for row in reader:
            if not row or not any(cell.strip() for cell in row):
                continue
            yield _from_csv_row(row, index, path, reader.line_num)
    except csv.Error as exc:
        raise InputError(f"{path}:{reader.line_num}: invalid CSV: {exc}; download the sign-in log again") from None


def _column_index(header: Sequence[str], path: Path) -> dict[str, int]:
    folded = [_fold(h) for h in header]
    index: dict[str, int] = {}
    for name, spellings in CSV_COLUMNS.items():
        for spelling in spellings:
            if spelling in folded:
                index[name] = folded.index(spelling)
                break
    missing = [n for n in ("user", "error_code") if n not in index]
    if "app_id" not in index and "app_name" not in index:
        missing.append("app_id")
    if missing:
        names = ", ".join(repr(CSV_COLUMNS[m][0].title()) for m in missing)
        raise InputError(f"{path}:1: no {names} column; is this a sign-in log CSV download from Entra?")
    return index


def _from_csv_row(row: Sequence[str], index: dict[str, int], path: Path, line: int) -> SignIn:
    def cell(name: str) -> str:
        i = index.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    raw_code = cell("error_code")
    code: int | None
    if raw_code == "" and cell("status").casefold() == "success":
        code = 0
    elif raw_code == "":
        code = None  # no code on a failure row: skipped, see SignIn.error_code
    else:
        try:
            code = int(raw_code)
        except ValueError:
            raise InputError(
                f"{path}:{line}: Sign-in error code {raw_code!r} is not a number; is this a sign-in log CSV?"
            ) from None
    return SignIn(time=cell("time"), user=cell("user"), app_id=cell("app_id") or None, app_name=cell("app_name"), error_code=code)


@dataclass(frozen=True)
class JamfFilter:
    """Jamf Connect rows: the given app IDs, else any app whose name contains "Jamf Connect"."""

    app_ids: frozenset[str] = frozenset()

    @classmethod
    def of(cls, app_ids: Iterable[str]) -> JamfFilter:
        return cls(frozenset(a.strip().casefold() for a in app_ids if a.strip()))

    def matches(self, signin: SignIn) -> bool:
        if self.app_ids:
            return (signin.app_id or "").casefold() in self.app_ids
        return JAMF_CONNECT_NAME in signin.app_name.casefold()


class RowSpool:
    """Counted sign-ins kept in a temporary file (JSON lines) for the JSON report, so a huge
    export is read once and never held in memory."""

    def __init__(self) -> None:
        self.file: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")

    def __enter__(self) -> RowSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()

    def add(self, signin: SignIn) -> None:
        self.file.write(json.dumps([signin.time, signin.user, signin.app_id, signin.app_name, signin.error_code]) + "\n")

    def rows(self) -> Iterator[SignIn]:
        self.file.seek(0)
        for line in self.file:
            time, user, app_id, app_name, code = json.loads(line)
            yield SignIn(time=time, user=user, app_id=app_id, app_name=app_name, error_code=code)


@dataclass
class Triage:
    summary: Counter[str] = field(default_factory=Counter)
    users: dict[str, Counter[str]] = field(default_factory=dict)
    rows_read: int = 0
    skipped: int = 0  # Jamf Connect sign-ins without an error code (not classified)

    def add(self, signin: SignIn) -> None:
        if signin.error_code is None:
            self.skipped += 1
            return
        category = signin.category
        self.summary[category] += 1
        self.users.setdefault(signin.user, Counter())[category] += 1

    def summary_counts(self) -> dict[str, int]:
        return {c: self.summary[c] for c in CATEGORIES}

    def user_counts(self) -> list[tuple[str, dict[str, int]]]:
        return [(user, {c: counts[c] for c in CATEGORIES}) for user, counts in sorted(self.users.items())]

    def wrong_password_users(self) -> list[str]:
        return sorted(u for u, counts in self.users.items() if counts[WRONG_PASSWORD])


def triage_files(paths: Sequence[Path], jamf: JamfFilter, keep: Callable[[SignIn], None] | None = None) -> Triage:
    """Read every file once and count; ``keep`` receives every counted Jamf Connect sign-in.
    InputError lists every unreadable file (one line each)."""
    result = Triage()
    problems: list[str] = []
    for path in paths:
        try:
            for signin in iter_signins(path):
                result.rows_read += 1
                if jamf.matches(signin):
                    result.add(signin)
                    if keep is not None and signin.error_code is not None:
                        keep(signin)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(*problems)
    return result
