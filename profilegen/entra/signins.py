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
import io
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, NamedTuple

from profilegen.core.errors import InputError, read_problem
from profilegen.core.text import one_line
from profilegen.entra.classify import CATEGORIES, UNKNOWN, WRONG_PASSWORD, category_for_code
from profilegen.entra.exportfile import (
    ACCEPTED,
    DELIMITER_NAMES,
    ExportFile,
    NotText,
    decoded_lines,
    open_export,
    pick_delimiter,
)
from profilegen.entra.jsonstream import LongNumber, iter_json_records

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


class SignIn(NamedTuple):
    # A NamedTuple, immutable as a frozen dataclass is, and built about three times faster
    # (tuple.__new__ instead of one object.__setattr__ per field): an export has one per row,
    # and building them was a tenth of a 1,000,000-row CSV run (issue 21).
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
    # "file:line: problem" for a row that was read but cannot be used (an errorCode "abc", a
    # record that is not an object): counted and reported, never fatal for the file.
    skip: str = ""

    @property
    def category(self) -> str:
        return category_for_code(self.error_code) if self.error_code is not None else UNKNOWN


def _fold(header: str) -> str:
    return " ".join(header.split()).casefold()


KNOWN_HEADERS = frozenset(spelling for spellings in CSV_COLUMNS.values() for spelling in spellings)
# Fields of a Graph signIn (and the portal's JSON download): a record with none of them is not
# a sign-in. https://learn.microsoft.com/en-us/graph/api/resources/signin#properties
SIGNIN_FIELDS = frozenset({"id", "createdDateTime", "userPrincipalName", "userDisplayName", "userId", "appId",
                           "appDisplayName", "status", "ipAddress", "clientAppUsed", "correlationId"})
NOT_A_LOG = "not a sign-in log export"
MAX_CODE_DIGITS = 9  # Entra codes have at most 7 digits
STDIN = "-"


def iter_signins(path: Path, stdin: IO[bytes] | None = None) -> Iterator[SignIn]:
    """Every sign-in in one export file (``-``: ``stdin``), rows that cannot be read included
    with ``skip`` set. InputError names file and line for a file that cannot be read at all."""
    name = Path("<stdin>") if str(path) == STDIN else path
    try:
        if str(path) == STDIN:
            yield from _iter_export(stdin if stdin is not None else io.BytesIO(), name)
        else:
            with path.open("rb") as raw:
                yield from _iter_export(raw, name)
    except OSError as exc:
        raise InputError(read_problem(exc, where=str(path), wanted="an exported sign-in log (CSV or JSON)")) from None


def _iter_export(raw: IO[bytes], path: Path) -> Iterator[SignIn]:
    try:
        export = open_export(raw)
    except NotText as exc:
        raise InputError(f"{path}:1: {exc}; {ACCEPTED}") from None
    if export.fmt == "csv":
        yield from _iter_csv(export, path)
        return
    seen = False
    for record, line in iter_json_records(export.stream, path, export.encoding):
        if not seen and not (isinstance(record, dict) and SIGNIN_FIELDS & record.keys()):
            # The first record decides whether this is a sign-in log at all ({"valu": []});
            # a stray record later in a real log is one skipped row.
            raise InputError(f"{path}:{line}: {NOT_A_LOG}: found {_shape(record)}; {JSON_FIX}")
        seen = True
        yield _from_graph(record, path, line)


def _shape(record: Any) -> str:
    if isinstance(record, dict):
        keys = ", ".join(repr(one_line(str(k))[:40]) for k in list(record)[:5])
        return f"a JSON object with keys {keys}" if keys else "an empty JSON object"
    return {list: "a JSON array", str: "a string", bool: "true/false", type(None): "null"}.get(type(record), "a number")


def _from_graph(record: Any, path: Path, line: int) -> SignIn:
    where = f"{path}:{line}"
    if not isinstance(record, dict):
        return SignIn("", "", None, "", None, skip=f"{where}: a sign-in must be a JSON object, found {_shape(record)}")
    if not SIGNIN_FIELDS & record.keys():
        return SignIn("", "", None, "", None, skip=f"{where}: {_shape(record)} is {NOT_A_LOG}")
    status = record.get("status")
    raw = status.get("errorCode") if isinstance(status, dict) else None
    code = _code(raw)
    user = record.get("userPrincipalName") or record.get("userDisplayName") or record.get("userId") or ""
    app_id = record.get("appId")
    skip = f"{where}: status.errorCode {_cut(raw)} is not an error code" if raw is not None and code is None else ""
    return SignIn(
        time=str(record.get("createdDateTime") or ""),
        user=str(user),
        app_id=str(app_id) if app_id else None,
        app_name=str(record.get("appDisplayName") or ""),
        error_code=code,
        skip=skip,
    )


def _cut(raw: Any) -> str:
    text = one_line(repr(raw) if not isinstance(raw, LongNumber) else str(raw))
    return text if len(text) <= 24 else f"{text[:20]}... ({len(text)} characters)"


def _code(raw: Any) -> int | None:
    """An int error code from an int or a numeric string ("50126"); None for anything else."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if abs(raw) < 10**MAX_CODE_DIGITS else None
    if isinstance(raw, str) and not isinstance(raw, LongNumber):
        text = raw.strip()
        digits = text.removeprefix("-")
        if digits.isascii() and digits.isdigit() and len(digits) <= MAX_CODE_DIGITS:
            return int(text)
    return None


def _iter_csv(export: ExportFile, path: Path) -> Iterator[SignIn]:
    def problem(line: int, message: str) -> InputError:
        return InputError(f"{path}:{line}: {message}")

    lines = decoded_lines(export, problem)
    first = next(lines, None)
    if first is None or not first.strip():
        raise InputError(f"{path}:1: empty file; {ACCEPTED}")
    delimiter = pick_delimiter(first, KNOWN_HEADERS)
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
    try:
        header = next(reader)
        index = _column_index(header, path, f"{export.encoding.label}, {DELIMITER_NAMES[delimiter]}-separated")
        # The six cells in one C call. A missing column reads the "" appended to each row
        # (index -1); a row shorter than the columns read goes the general way (_from_csv_row).
        cells = itemgetter(*(index.get(name, -1) for name in ROW_FIELDS))
        width = max(index.values()) + 1
        for row in reader:
            if not row or not (row[0].strip() or any(cell.strip() for cell in row)):
                continue  # a blank row
            if len(row) < width:
                yield _from_csv_row(row, index, f"{path}:{reader.line_num}")
                continue
            row.append("")
            time, user, app_id, app_name, raw_code, status = cells(row)
            raw_code = raw_code.strip()
            skip = ""
            if raw_code.isdigit() and raw_code.isascii() and len(raw_code) <= MAX_CODE_DIGITS:
                code: int | None = int(raw_code)  # the common case of _code()
            elif raw_code:
                code = _code(raw_code)
                if code is None:
                    skip = f"{path}:{reader.line_num}: Sign-in error code {_cut(raw_code)} is not a number"
            else:  # no code on a failure row: skipped, see SignIn.error_code
                code = 0 if status.strip().casefold() == "success" else None
            yield SignIn(time.strip(), user.strip(), app_id.strip() or None, app_name.strip(), code, skip)
    except csv.Error as exc:
        raise InputError(f"{path}:{reader.line_num}: invalid CSV: {exc}; {ACCEPTED}") from None


# The cells a sign-in is made of, in SignIn's order, and the status that stands in for an empty code.
ROW_FIELDS = ("time", "user", "app_id", "app_name", "error_code", "status")


def _column_index(header: Sequence[str], path: Path, found: str) -> dict[str, int]:
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
        raise InputError(f"{path}:1: {NOT_A_LOG}: no {names} column (read as {found} CSV); {ACCEPTED}")
    return index


def _from_csv_row(row: Sequence[str], index: dict[str, int], where: str) -> SignIn:
    """One sign-in from any row, short ones too; _iter_csv reads rows with every column inline,
    with the same result (tests/entra/test_signins_rows.py holds the two together)."""

    def cell(name: str) -> str:
        i = index.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    raw_code = cell("error_code")
    code: int | None = None  # no code on a failure row: skipped, see SignIn.error_code
    skip = ""
    if raw_code == "" and cell("status").casefold() == "success":
        code = 0
    elif raw_code:
        code = _code(raw_code)
        if code is None:
            skip = f"{where}: Sign-in error code {_cut(raw_code)} is not a number"
    return SignIn(time=cell("time"), user=cell("user"), app_id=cell("app_id") or None, app_name=cell("app_name"),
                  error_code=code, skip=skip)


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


MAX_SKIP_NOTES = 20  # rows named on stderr; the rest are counted


@dataclass
class Triage:
    summary: Counter[str] = field(default_factory=Counter)
    users: dict[str, Counter[str]] = field(default_factory=dict)
    rows_read: int = 0
    skipped: int = 0  # Jamf Connect sign-ins without an error code (not classified)
    unusable: int = 0  # rows that could not be read (any app): see SignIn.skip
    notes: list[str] = field(default_factory=list)  # the first MAX_SKIP_NOTES of them

    def add(self, signin: SignIn) -> None:
        if signin.error_code is None:
            self.skipped += 1
            return
        category = signin.category
        self.summary[category] += 1
        counts = self.users.get(signin.user)
        if counts is None:  # not setdefault(user, Counter()): that builds a Counter for every row
            counts = self.users[signin.user] = Counter()
        counts[category] += 1

    def count(self, signin: SignIn, jamf: JamfFilter, keep: Callable[[SignIn], None] | None) -> None:
        """One row read: noted when unusable, counted when it is Jamf Connect's; ``keep`` gets the
        counted ones that carry an error code."""
        self.rows_read += 1
        if signin.skip:
            self.note(signin)
        elif jamf.matches(signin):
            self.add(signin)
            if keep is not None and signin.error_code is not None:
                keep(signin)

    def note(self, signin: SignIn) -> None:
        self.unusable += 1
        if len(self.notes) < MAX_SKIP_NOTES:
            self.notes.append(signin.skip)

    def summary_counts(self) -> dict[str, int]:
        return {c: self.summary[c] for c in CATEGORIES}

    def user_counts(self) -> list[tuple[str, dict[str, int]]]:
        return [(user, {c: counts[c] for c in CATEGORIES}) for user, counts in sorted(self.users.items())]

    def wrong_password_users(self) -> list[str]:
        return sorted(u for u, counts in self.users.items() if counts[WRONG_PASSWORD])


def triage_files(
    paths: Sequence[Path], jamf: JamfFilter, keep: Callable[[SignIn], None] | None = None, *, stdin: IO[bytes] | None = None
) -> Triage:
    """Read every file once (``-`` is ``stdin``) and count; ``keep`` receives every counted
    Jamf Connect sign-in. InputError lists every unreadable file (one line each)."""
    if sum(str(p) == STDIN for p in paths) > 1:
        raise InputError("signins: - (stdin) can be given once")
    result = Triage()
    problems: list[str] = []
    for path in paths:
        try:
            for signin in iter_signins(path, stdin):
                result.count(signin, jamf, keep)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(*problems)
    return result


def triage_records(records: Iterable[Any], jamf: JamfFilter, keep: Callable[[SignIn], None] | None = None, *,
                   where: str = "Graph") -> Triage:
    """Count Graph ``signIn`` objects that came from elsewhere than a file (``signins --graph``):
    the same reading and triage as an export's records; ``where`` names their source in notes."""
    result = Triage()
    for number, record in enumerate(records, 1):
        result.count(_from_graph(record, Path(where), number), jamf, keep)
    return result
