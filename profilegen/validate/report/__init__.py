"""Text and JSON reports for validate, and the rule table for `profilegen rules` / README."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence

from profilegen.core.text import json_safe, printable
from profilegen.rules import Rule, load_all
from profilegen.rules.findings import Finding, Severity
from profilegen.validate.pipeline import FileResult


def summary(results: Sequence[FileResult]) -> dict[str, int]:
    counts = {s: 0 for s in Severity}
    for result in results:
        for f in result.findings:
            counts[f.severity] += 1
    return {
        "files": len(results),
        "errors": counts[Severity.ERROR],
        "warnings": counts[Severity.WARNING],
        "infos": counts[Severity.INFO],
    }


class Tally:
    """Counts findings while a report streams; ``summary`` once the results are all through."""

    def __init__(self) -> None:
        self.files = 0
        self.counts = {s: 0 for s in Severity}

    def add(self, result: FileResult) -> FileResult:
        self.files += 1
        for f in result.findings:
            self.counts[f.severity] += 1
        return result

    @property
    def summary(self) -> dict[str, int]:
        return {
            "files": self.files,
            "errors": self.counts[Severity.ERROR],
            "warnings": self.counts[Severity.WARNING],
            "infos": self.counts[Severity.INFO],
        }


def explanation(finding: Finding) -> str:
    """What ``--explain`` prints under a finding: its own detail (PG420's design in full), else
    the rule's documentation, which says why the rule exists and names its source."""
    if finding.detail:
        return finding.detail
    rule = load_all().get(finding.code)
    return rule.doc if rule is not None else ""


# SGR colours of the severity word on a terminal (validate --format text on a TTY, issue 22).
_COLOUR = {Severity.ERROR: "1;31", Severity.WARNING: "33", Severity.INFO: "36"}


def _text_line(path: str, f: Finding, *, explain: bool, colour: bool = False) -> str:
    # One finding, one line: a key or message from the file cannot start another. The
    # explanation is a second, indented line of our own text (escaped all the same).
    # With ``colour`` the severity word (ours) is wrapped in an SGR sequence; every part that
    # comes from outside is escaped before, so the only escape sequences are these.
    key = f"{f.key}: " if f.key else ""
    at = f":{f.line}" if f.line is not None else ""
    if colour:
        line = (printable(f"{path}{at}: {key}{f.code} ") + f"\x1b[{_COLOUR[f.severity]}m{f.severity.value}\x1b[0m"
                + printable(f": {f.message}"))
    else:
        line = printable(f"{path}{at}: {key}{f.code} {f.severity.value}: {f.message}")
    return f"{line}\n    {printable(explanation(f))}" if explain else line


def _json_finding(f: Finding, *, explain: bool) -> dict[str, str | int | None]:
    # JSON only ever gains keys: "detail" is there with --explain only.
    body = f.as_json()
    if explain:
        body["detail"] = explanation(f)
    return body


def iter_json(results: Iterable[FileResult], tally: Tally, *, explain: bool = False) -> Iterator[str]:
    """as_json in pieces, byte for byte, for a stream of results (keep the two in step)."""
    first = True
    for r in results:
        tally.add(r)
        body = json.dumps({"path": r.path, "findings": [_json_finding(f, explain=explain) for f in r.findings]}, indent=2, ensure_ascii=False)
        yield ('{\n  "files": [\n    ' if first else ",\n    ") + json_safe(body).replace("\n", "\n    ")
        first = False
    summary_ = json.dumps(tally.summary, indent=2).replace("\n", "\n  ")
    yield ('{\n  "files": [],' if first else "\n  ],") + f'\n  "summary": {summary_}\n}}\n'


def iter_text(results: Iterable[FileResult], tally: Tally, *, explain: bool = False, colour: bool = False) -> Iterator[str]:
    """as_text in pieces, byte for byte, for a stream of results (keep the two in step).
    ``colour``: severities in colour, for a terminal (the pieces are then terminal-ready)."""
    for r in results:
        tally.add(r)
        for f in r.findings:
            yield _text_line(r.path, f, explain=explain, colour=colour) + "\n"
    s = tally.summary
    yield f"{s['files']} file(s): {s['errors']} error(s), {s['warnings']} warning(s), {s['infos']} info(s)\n"


def as_json(results: Sequence[FileResult], *, explain: bool = False) -> str:
    body = {
        "files": [{"path": r.path, "findings": [_json_finding(f, explain=explain) for f in r.findings]} for r in results],
        "summary": summary(results),
    }
    return json_safe(json.dumps(body, indent=2, ensure_ascii=False)) + "\n"


def as_text(results: Sequence[FileResult], *, explain: bool = False) -> str:
    """``path:line: key: CODE severity: message``; ``:line`` only when the line is known."""
    lines = [_text_line(r.path, f, explain=explain) for r in results for f in r.findings]
    s = summary(results)
    lines.append(f"{s['files']} file(s): {s['errors']} error(s), {s['warnings']} warning(s), {s['infos']} info(s)")
    return "\n".join(lines) + "\n"


def render(results: Sequence[FileResult], fmt: str, *, strict: bool = False, explain: bool = False) -> str:
    """The report in ``fmt``: text, json, sarif, junit or github. The CI formats live in their
    own modules, loaded only when asked for."""
    if fmt == "sarif":
        from profilegen.validate.report.sarif import as_sarif

        return as_sarif(results)
    if fmt == "junit":
        from profilegen.validate.report.junit import as_junit

        return as_junit(results, strict=strict)
    if fmt == "github":
        from profilegen.validate.report.github import as_github

        return as_github(results)
    return as_json(results, explain=explain) if fmt == "json" else as_text(results, explain=explain)


def rules_text(rules: Sequence[Rule], *, details: bool = False) -> str:
    """The rule list; with ``details`` (rules named on the command line) also what a rule
    documents beyond its docstring, e.g. PG420's designs in full."""
    out = []
    for r in rules:
        out.append(f"{r.code}  {r.status:<7}  {r.name}\n    {r.doc}\n")
        if details and r.details is not None:
            out += [f"\n    {text}\n" for text in r.details()]
    return "".join(out)


def rules_markdown(rules: Sequence[Rule]) -> str:
    rows = ["| Code | Severity | Name | Why |", "|---|---|---|---|"]
    rows += [f"| {r.code} | {r.status} | {r.name} | {r.doc.replace('|', '/')} |" for r in rules]
    return "\n".join(rows) + "\n"
