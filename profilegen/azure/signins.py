"""Triage exported Entra sign-in logs: which Jamf Connect "failures" are MFA noise, which are
real wrong passwords.

Readers stream: Graph ``signIn`` JSON through ``jsonstream`` and the portal CSV through
``csv.reader``; nothing holds more than one record. Field names:
https://learn.microsoft.com/en-us/graph/api/resources/signin (``status.errorCode`` 0 = success).
CSV headers vary in case and spacing between downloads ("Application ID " has a trailing
space), so they are matched after folding case and white space (azure-facts section 4.3).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from profilegen.azure.classify import CATEGORIES, WRONG_PASSWORD, category_for_code
from profilegen.azure.jsonstream import iter_json_records
from profilegen.errors import InputError

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
    "How to read this (the seed's \"Diagnosing MFA vs. failed password\"): a Jamf Connect ROPG password "
    "check that Entra answers with AADSTS50076 (or 50079, 50072, 50074) had the right password; MFA was "
    "required, ROPG cannot answer an MFA prompt, so Entra logs a failed sign-in while Jamf Connect counts "
    "the password as verified. The same holds for Conditional Access blocks (53003 and similar), which run "
    "after the password check. Only AADSTS50126 (wrong_password) is a real wrong password. To stop the MFA "
    "noise under an \"All cloud apps\" policy, expose a custom scope api://<API app ID>/jamfconnect from a "
    "separate private app registration, request it in OIDCScopes so the MFA policy targets the "
    "interactive login, and keep ROPGScopes = openid+email+profile; password checks then show "
    "\"Single-factor authentication\" with Conditional Access \"Not applied\"."
)


@dataclass(frozen=True)
class SignIn:
    time: str
    user: str
    app_id: str | None
    app_name: str
    error_code: int

    @property
    def category(self) -> str:
        return category_for_code(self.error_code)


def _fold(header: str) -> str:
    return " ".join(header.split()).casefold()


def detect_format(path: Path) -> str:
    """'json' when the first non-blank character opens JSON, else 'csv'."""
    try:
        with path.open("r", encoding="utf-8-sig", errors="replace") as fh:
            head = fh.read(4096).lstrip()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; give an exported sign-in log (CSV or JSON)") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory; give the exported CSV or JSON file inside it") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    return "json" if head[:1] in ("[", "{") else "csv"


def iter_signins(path: Path) -> Iterator[SignIn]:
    """Every sign-in in one export file; InputError names file and line for unreadable input."""
    fmt = detect_format(path)
    try:
        with path.open("rb") as fh:
            if fmt == "json":
                for record, line in iter_json_records(fh, path):
                    yield _from_graph(record, path, line)
            else:
                yield from _iter_csv(_decoded_lines(fh, path), path)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None


def _from_graph(record: Any, path: Path, line: int) -> SignIn:
    if not isinstance(record, dict):
        raise InputError(f"{path}:{line}: a sign-in must be a JSON object, found {type(record).__name__}; {JSON_FIX}")
    status = record.get("status")
    code = status.get("errorCode") if isinstance(status, dict) else None
    if not isinstance(code, int) or isinstance(code, bool):
        raise InputError(f"{path}:{line}: sign-in without an integer status.errorCode; {JSON_FIX}")
    user = record.get("userPrincipalName") or record.get("userDisplayName") or record.get("userId") or ""
    app_id = record.get("appId")
    return SignIn(
        time=str(record.get("createdDateTime") or ""),
        user=str(user),
        app_id=str(app_id) if app_id else None,
        app_name=str(record.get("appDisplayName") or ""),
        error_code=code,
    )


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
    if raw_code == "" and cell("status").casefold() == "success":
        code = 0
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


def iter_jamf_signins(paths: Sequence[Path], jamf: JamfFilter) -> Iterator[SignIn]:
    for path in paths:
        for signin in iter_signins(path):
            if jamf.matches(signin):
                yield signin


@dataclass
class Triage:
    summary: Counter[str] = field(default_factory=Counter)
    users: dict[str, Counter[str]] = field(default_factory=dict)
    rows_read: int = 0

    def add(self, signin: SignIn) -> None:
        category = signin.category
        self.summary[category] += 1
        self.users.setdefault(signin.user, Counter())[category] += 1

    def summary_counts(self) -> dict[str, int]:
        return {c: self.summary[c] for c in CATEGORIES}

    def user_counts(self) -> list[tuple[str, dict[str, int]]]:
        return [(user, {c: counts[c] for c in CATEGORIES}) for user, counts in sorted(self.users.items())]

    def wrong_password_users(self) -> list[str]:
        return sorted(u for u, counts in self.users.items() if counts[WRONG_PASSWORD])


def triage_files(paths: Sequence[Path], jamf: JamfFilter) -> Triage:
    """Read every file and count; InputError lists every unreadable file (one line each)."""
    result = Triage()
    problems: list[str] = []
    for path in paths:
        try:
            for signin in iter_signins(path):
                result.rows_read += 1
                if jamf.matches(signin):
                    result.add(signin)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(*problems)
    return result
