"""validate as SARIF 2.1.0, the format GitHub code scanning (and most CI dashboards) read.

One run; ``tool.driver`` lists every rule of the registry, so a rule added later appears without
a change here. One result per finding. Spec: OASIS SARIF 2.1.0 (Errata 01),
https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/sarif-v2.1.0-errata01-os-complete.html
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from profilegen import __version__
from profilegen.core.text import json_safe
from profilegen.rules import Rule, load_all
from profilegen.rules.findings import Finding, Severity
from profilegen.validate.pipeline import FileResult

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# Where people read about profilegen; every rule's helpUri is the rule table in docs/validate.md (## Rules).
PROJECT_URL = "https://github.com/profilegen/profilegen"
RULES_URL = f"{PROJECT_URL}/blob/main/docs/validate.md#rules"

# SARIF has error, warning, note (and none); profilegen's info is a note (§3.27.10).
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def relative_path(path: str, *, cwd: Path | None = None) -> str:
    """``path`` relative to the working directory with '/' separators (absolute when no relative
    form exists, as across Windows drives)."""
    absolute = Path(os.path.abspath(path))
    try:
        return PurePath(os.path.relpath(absolute, cwd or Path.cwd())).as_posix()
    except ValueError:
        return absolute.as_posix()


def artifact_uri(path: str, *, cwd: Path | None = None) -> str | None:
    """``path`` as a URI reference relative to the working directory, percent-encoded (a space
    is %20); None for stdin, which has no place on disk."""
    if path == "<stdin>":
        return None
    relative = relative_path(path, cwd=cwd)
    # A name with bytes that are not UTF-8 arrives with lone surrogates (surrogateescape): they
    # are percent-encoded as the bytes they stand for (%FF), which is what the file is called.
    return Path(relative).as_uri() if Path(relative).is_absolute() else quote(relative, safe="/", errors="surrogateescape")


def _first_sentence(doc: str) -> str:
    head, dot, _ = doc.partition(". ")
    return head + "." if dot else doc


def _rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": _first_sentence(rule.doc)},
        "fullDescription": {"text": rule.doc},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "helpUri": RULES_URL,
        "help": {"text": f"{rule.code} {rule.name}: {rule.doc}"},
    }


def _result(finding: Finding, uri: str | None, index: int) -> dict[str, Any]:
    text = f"{finding.key}: {finding.message}" if finding.key else finding.message
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": LEVEL[finding.severity],
        "message": {"text": text},
    }
    if uri is not None:
        physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
        if finding.line is not None:
            physical["region"] = {"startLine": finding.line}
        result["locations"] = [{"physicalLocation": physical}]
    return result


def as_sarif(results: Sequence[FileResult], *, cwd: Path | None = None) -> str:
    rules = list(load_all().values())
    index = {r.code: i for i, r in enumerate(rules)}
    out: list[dict[str, Any]] = []
    for r in results:
        uri = artifact_uri(r.path, cwd=cwd)
        out.extend(_result(f, uri, index[f.code]) for f in r.findings)
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "profilegen",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": PROJECT_URL,
                        "rules": [_rule(r) for r in rules],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": out,
            }
        ],
    }
    # Escaped for JSON (\u009b), not for a terminal (\x9b is no JSON escape): stdout and
    # --output carry the same valid document (issue 19).
    return json_safe(json.dumps(log, indent=2, ensure_ascii=False)) + "\n"
