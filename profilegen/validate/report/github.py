"""validate as GitHub Actions workflow commands: one annotation per finding, shown on the pull
request's changed lines and in the run summary.

``::error file=PATH,line=N,title=PG401::message``; warnings are ``::warning``, infos
``::notice``. Escaping as GitHub's own toolkit does it (actions/toolkit,
packages/core/src/command.ts, escapeData and escapeProperty): the message escapes ``%``, CR and
LF; a property value also escapes ``:`` and ``,``, which delimit properties. Because CR and LF
are escaped, a finding can never start a second command (such as ``::stop-commands::``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from profilegen.core.text import BIDI
from profilegen.rules.findings import Finding, Severity
from profilegen.validate.pipeline import FileResult
from profilegen.validate.report.sarif import relative_path

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


# Control characters other than CR and LF (which GitHub's escaping covers) would reach the log
# viewer as they are (an ESC starts a colour sequence): they are shown as \xNN instead.
# The bidi controls likewise (as \uXXXX): GitHub shows annotations on the pull request's code;
# and lone surrogates (a file name that is not UTF-8), which no UTF-8 log can carry.
_CONTROLS = re.compile(rf"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{BIDI}]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_data(text: str) -> str:
    text = _CONTROLS.sub(_shown, text)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(finding: Finding, path: str) -> str:
    props = []
    if path != "<stdin>":
        # GitHub matches file= against the repository, relative to the workspace (the checkout).
        props.append(f"file={escape_property(relative_path(path))}")
        if finding.line is not None:
            props.append(f"line={finding.line}")
    props.append(f"title={escape_property(finding.code)}")
    text = f"{finding.key}: {finding.message}" if finding.key else finding.message
    return f"::{COMMAND[finding.severity]} {','.join(props)}::{escape_data(text)}"


def as_github(results: Sequence[FileResult]) -> str:
    return "".join(_command(f, r.path) + "\n" for r in results for f in r.findings)
