"""Text and JSON reports for ropg-check and signins. Pure: values in, strings out.

JSON shapes are the issue's, exactly; they may gain keys, never lose them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice

from profilegen.core.text import display_width, one_line, pad, plural
from profilegen.entra.classify import CATEGORIES, WRONG_PASSWORD, Verdict
from profilegen.entra.signins import EXPLANATION, JamfFilter, Triage

# ropg-check exit codes (issue 5): 0 password verified, 1 wrong password, 3 anything else (2 is usage).
ROPG_EXIT = {True: 0, False: 1, None: 3}


def ropg_exit_code(verdict: Verdict) -> int:
    return ROPG_EXIT[verdict.password_verified]


def verdict_json(verdict: Verdict) -> str:
    return json.dumps({
        "category": verdict.category,
        "password_verified": verdict.password_verified,
        "error_code": verdict.error_code,
        "message": verdict.message,
    })


def verdict_text(verdict: Verdict) -> str:
    code = f" (AADSTS{verdict.error_code})" if verdict.error_code is not None else ""
    state = {True: "password verified", False: "password NOT verified", None: "password not checked"}
    lines = [f"{verdict.category}{code}: {state[verdict.password_verified]}", verdict.explanation]
    if verdict.detail:
        lines.append(f"Entra said: {verdict.detail}")
    return "\n".join(map(one_line, lines))  # what Entra said stays on its line


def describe_filter(jamf: JamfFilter) -> str:
    if jamf.app_ids:
        return "app IDs " + ", ".join(sorted(jamf.app_ids))
    return 'application name containing "Jamf Connect"'


def triage_text(result: Triage, jamf: JamfFilter) -> str:
    """Per-user counts per category; users with real wrong passwords are marked '!'.

    User names come from the export: each is shown on one line with its control characters
    escaped (a name with a newline cannot add a row) and padded by terminal columns, so a
    name with emoji or CJK characters keeps the columns aligned."""
    total = sum(result.summary.values())
    lines = [f"{plural(result.rows_read, 'sign-in')} read, {total} from Jamf Connect ({describe_filter(jamf)})."]
    shown = [c for c in CATEGORIES if result.summary[c]]
    if shown:
        names = {user: one_line(user) for user in result.users}
        width = max([len("total"), *(display_width(n) for n in names.values())])
        lines.append("  " + pad("user", width) + "".join(f"  {c}" for c in shown))
        for user, counts in result.user_counts():
            mark = "! " if counts[WRONG_PASSWORD] else "  "
            lines.append(mark + pad(names[user], width) + "".join(f"  {str(counts[c]).rjust(len(c))}" for c in shown))
        lines.append("  " + pad("total", width) + "".join(f"  {str(result.summary[c]).rjust(len(c))}" for c in shown))
    wrong = result.wrong_password_users()
    if wrong:
        lines.append(f"! real wrong passwords (wrong_password, e.g. AADSTS50126) for: {', '.join(map(one_line, wrong))}")
    return "\n".join([*lines, "", EXPLANATION]) + "\n"


def triage_notes(result: Triage, jamf: JamfFilter) -> list[str]:
    """Lines for stderr: skipped rows (named up to a limit, then counted) and a filter that
    matched nothing."""
    lines = [f"warning: {note}; row skipped" for note in result.notes]
    if result.unusable > len(result.notes):
        lines.append(f"warning: {plural(result.unusable - len(result.notes), 'more row')} could not be read and "
                     f"{'was' if result.unusable - len(result.notes) == 1 else 'were'} skipped")
    if result.skipped:
        has = "has" if result.skipped == 1 else "have"
        lines.append(f"{plural(result.skipped, 'Jamf Connect sign-in')} {has} no error code (status or errorCode "
                     f"missing) and {'was' if result.skipped == 1 else 'were'} skipped")
    if result.rows_read > result.unusable and not result.summary and not result.skipped:
        lines.append(f"note: none of the {plural(result.rows_read, 'sign-in')} read matched {describe_filter(jamf)}; "
                     "pass --client-id with Jamf Connect's Application (client) ID, as in the export's Application ID")
    return lines


def triage_json(result: Triage, rows: Iterable[str]) -> Iterator[str]:
    """The JSON document in pieces: ``rows`` are the rows already serialised (rowspool.row_json,
    as RowSpool keeps them), streamed, never collected, so memory stays flat."""
    users = [{"user": u, "counts": c} for u, c in result.user_counts()]
    yield '{"summary": ' + json.dumps(result.summary_counts()) + ', "users": ' + json.dumps(users) + ', "rows": ['
    # A thousand rows per piece: one piece (and one stdout write) per row was a tenth of the run.
    rows = iter(rows)
    separator = ""
    while batch := list(islice(rows, 1000)):
        yield separator + ", ".join(batch)
        separator = ", "
    yield "]}\n"
