"""Text and JSON reports for validate, and the rule table for `profilegen rules` / README."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence

from profilegen.core.text import json_safe, printable
from profilegen.rules import Rule
from profilegen.rules.findings import Severity
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


def iter_json(results: Iterable[FileResult], tally: Tally) -> Iterator[str]:
    """as_json in pieces, byte for byte, for a stream of results (keep the two in step)."""
    first = True
    for r in results:
        tally.add(r)
        body = json.dumps({"path": r.path, "findings": [f.as_json() for f in r.findings]}, indent=2, ensure_ascii=False)
        yield ('{\n  "files": [\n    ' if first else ",\n    ") + json_safe(body).replace("\n", "\n    ")
        first = False
    summary_ = json.dumps(tally.summary, indent=2).replace("\n", "\n  ")
    yield ('{\n  "files": [],' if first else "\n  ],") + f'\n  "summary": {summary_}\n}}\n'


def iter_text(results: Iterable[FileResult], tally: Tally) -> Iterator[str]:
    """as_text in pieces, byte for byte, for a stream of results (keep the two in step)."""
    for r in results:
        tally.add(r)
        for f in r.findings:
            key = f"{f.key}: " if f.key else ""
            at = f":{f.line}" if f.line is not None else ""
            yield printable(f"{r.path}{at}: {key}{f.code} {f.severity.value}: {f.message}") + "\n"
    s = tally.summary
    yield f"{s['files']} file(s): {s['errors']} error(s), {s['warnings']} warning(s), {s['infos']} info(s)\n"


def as_json(results: Sequence[FileResult]) -> str:
    body = {
        "files": [{"path": r.path, "findings": [f.as_json() for f in r.findings]} for r in results],
        "summary": summary(results),
    }
    return json_safe(json.dumps(body, indent=2, ensure_ascii=False)) + "\n"


def as_text(results: Sequence[FileResult]) -> str:
    """``path:line: key: CODE severity: message``; ``:line`` only when the line is known."""
    lines = []
    for r in results:
        for f in r.findings:
            # One finding, one line: a key or message from the file cannot start another.
            key = f"{f.key}: " if f.key else ""
            at = f":{f.line}" if f.line is not None else ""
            lines.append(printable(f"{r.path}{at}: {key}{f.code} {f.severity.value}: {f.message}"))
    s = summary(results)
    lines.append(f"{s['files']} file(s): {s['errors']} error(s), {s['warnings']} warning(s), {s['infos']} info(s)")
    return "\n".join(lines) + "\n"


def render(results: Sequence[FileResult], fmt: str, *, strict: bool = False) -> str:
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
    return as_json(results) if fmt == "json" else as_text(results)


def rules_text(rules: Sequence[Rule]) -> str:
    return "".join(f"{r.code}  {r.status:<7}  {r.name}\n    {r.doc}\n" for r in rules)


def rules_markdown(rules: Sequence[Rule]) -> str:
    rows = ["| Code | Severity | Name | Why |", "|---|---|---|---|"]
    rows += [f"| {r.code} | {r.status} | {r.name} | {r.doc.replace('|', '/')} |" for r in rules]
    return "\n".join(rows) + "\n"
