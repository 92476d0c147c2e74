"""Per-day, per-user counts of Jamf Connect sign-ins for ``signins --format csv`` and
``--format html`` (issue 22, point 7). Pure: sign-ins in, text out; never prints.

Columns are error codes, not categories, because that is the question the security team asks:
AADSTS50076 is MFA noise from Jamf Connect's ROPG password check (the password was right; ROPG
cannot answer the MFA prompt), AADSTS50126 is a real wrong password, 0 is a success
(profilegen/entra/codes.json; docs/entra-id.md). Every other code is counted as ``other``.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import TYPE_CHECKING

from profilegen.core.errors import InputError

if TYPE_CHECKING:
    from profilegen.entra.signins import SignIn

SUCCESS_CODE, MFA_CODE, WRONG_CODE = 0, 50076, 50126
COLUMNS = ("success", "aadsts50076", "aadsts50126", "other")
UNKNOWN_DAY = "unknown"
# Graph's createdDateTime and the portal CSV's "Date (UTC)" both start with the ISO date
# (azure-facts.md, sign-in CSV and signIn resource). Anything else is counted under "unknown".
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?![0-9])")
# Excel and LibreOffice run a cell that starts with one of these as a formula (OWASP, "CSV
# Injection"); tab and carriage return too. The security team opens the CSV in Excel, and user
# names come from the export, so such a cell gets a leading apostrophe, which Excel shows as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def column_of(code: int) -> str:
    return {SUCCESS_CODE: "success", MFA_CODE: "aadsts50076", WRONG_CODE: "aadsts50126"}.get(code, "other")


def day_of(time: str) -> str:
    match = _DAY.match(time.strip())
    if match is None:
        return UNKNOWN_DAY
    try:
        return date(*map(int, match.groups())).isoformat()
    except ValueError:  # 2026-02-30
        return UNKNOWN_DAY


def parse_change_date(text: str | None) -> str | None:
    """``--change-date``: YYYY-MM-DD, a real calendar day; InputError otherwise."""
    if text is None:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return date.fromisoformat(text).isoformat()
    except ValueError:
        from profilegen.core.text import one_line

        raise InputError(f"--change-date: {one_line(text)[:40]!r} is not a date; give YYYY-MM-DD, e.g. 2026-11-20") from None


@dataclass
class Daily:
    """Counts per (day, user, column); memory grows with distinct days x users, not rows."""

    cells: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)

    def add(self, signin: SignIn) -> None:
        code = signin.error_code
        if code is None:  # not counted by the triage either (SignIn.error_code)
            return
        key = (day_of(signin.time), signin.user)
        counts = self.cells.get(key)
        if counts is None:
            counts = self.cells[key] = Counter()
        counts[column_of(code)] += 1

    def rows(self) -> list[tuple[str, str, dict[str, int]]]:
        """(day, user, counts) sorted by day ("unknown" last), then user."""
        keys = sorted(self.cells, key=lambda k: (k[0] == UNKNOWN_DAY, k[0], k[1]))
        return [(d, u, {c: self.cells[(d, u)][c] for c in COLUMNS}) for d, u in keys]

    def days(self) -> list[tuple[str, dict[str, int]]]:
        totals: dict[str, Counter[str]] = {}
        for (day, _), counts in self.cells.items():
            totals.setdefault(day, Counter()).update(counts)
        order = sorted(totals, key=lambda d: (d == UNKNOWN_DAY, d))
        return [(d, {c: totals[d][c] for c in COLUMNS}) for d in order]

    def users(self) -> list[tuple[str, dict[str, int]]]:
        totals: dict[str, Counter[str]] = {}
        for (_, user), counts in self.cells.items():
            totals.setdefault(user, Counter()).update(counts)
        return [(u, {c: totals[u][c] for c in COLUMNS}) for u in sorted(totals)]


def period_of(day: str, change: str | None) -> str:
    """The change day itself counts as "after": the change is assumed to apply that day."""
    if change is None:
        return ""
    if day == UNKNOWN_DAY:
        return UNKNOWN_DAY
    return "before" if day < change else "after"


def before_after(daily: Daily, change: str) -> dict[str, dict[str, int]]:
    sums: dict[str, Counter[str]] = {"before": Counter(), "after": Counter()}
    for day, counts in daily.days():
        period = period_of(day, change)
        if period in sums:
            sums[period].update(counts)
    return {p: {c: sums[p][c] for c in COLUMNS} for p in sums}


def guard_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def daily_csv(daily: Daily, change: str | None) -> str:
    """RFC 4180 (CRLF line ends, fields with comma, quote or line break quoted, quotes doubled):
    one row per day and user, so Excel can pivot either way; a ``period`` column with --change-date."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(["date", "user", *COLUMNS, "total", *(["period"] if change else [])])
    for day, user, counts in daily.rows():
        period = [period_of(day, change)] if change else []
        writer.writerow([day, guard_cell(user), *(counts[c] for c in COLUMNS), sum(counts.values()), *period])
    return out.getvalue()


# Bar colours; the browser test looks for exactly these pixels.
COLOURS = {"success": "#2e7d32", "aadsts50076": "#f9a825", "aadsts50126": "#c62828"}
LABELS = {"success": "success", "aadsts50076": "AADSTS50076 (MFA noise: password was right)",
          "aadsts50126": "AADSTS50126 (real wrong password)", "other": "other codes"}
BAR, GAP, CHART_H, LEFT, TOP = 14, 12, 260, 48, 16


def chart(daily: Daily, change: str | None) -> dict[str, object]:
    """Geometry of the inline SVG: one group of three bars per day, plus the change line."""
    days = daily.days()
    peak = max([1, *(counts[c] for _, counts in days for c in COLOURS)])
    group = BAR * len(COLOURS) + GAP
    bars, labels = [], []
    marker = None
    for i, (day, counts) in enumerate(days):
        x0 = LEFT + GAP + i * group
        if change is not None and marker is None and day != UNKNOWN_DAY and day >= change:
            marker = x0 - GAP / 2
        for j, column in enumerate(COLOURS):
            h = round(counts[column] * CHART_H / peak, 1)
            bars.append({"x": x0 + j * BAR, "y": TOP + CHART_H - h, "h": h, "w": BAR - 2, "colour": COLOURS[column],
                         "title": f"{day}: {counts[column]} {LABELS[column]}"})
        labels.append({"x": x0 + group / 2 - GAP / 2, "day": day})
    width = LEFT + GAP + len(days) * group + GAP
    if change is not None and marker is None:
        marker = width - GAP / 2
    return {"bars": bars, "labels": labels, "width": width, "height": TOP + CHART_H + 70, "peak": peak,
            "base": TOP + CHART_H, "top": TOP, "left": LEFT, "marker": marker}


def daily_html(daily: Daily, change: str | None) -> str:
    """One self-contained page: no scripts, fonts, images or links to fetch. Every value from
    the export reaches the page through Jinja2's autoescaping."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    source = resources.files("profilegen.entra").joinpath("templates/signins.html.j2").read_text(encoding="utf-8")
    return env.from_string(source).render(
        chart=chart(daily, change), days=daily.days(), users=daily.users(), columns=COLUMNS, labels=LABELS,
        colours=COLOURS, change=change, periods=before_after(daily, change) if change else None,
    )
