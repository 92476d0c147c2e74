"""validate as JUnit XML: one testsuite, one testcase per file, for CI systems that show tests
(GitLab, Jenkins, Azure Pipelines, CircleCI).

A file fails when it has error findings (with ``--strict``, warnings too, so that the report and
the exit code agree); the failing findings are listed in ``<failure>``, the others in
``<system-out>``. Schema followed: the common Jenkins/Ant form, as junitparser reads it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from profilegen.core.text import BIDI
from profilegen.rules.findings import Finding, Severity
from profilegen.validate.pipeline import FileResult

SUITE = "profilegen validate"
# Characters XML 1.0 cannot carry at all, not even escaped (https://www.w3.org/TR/xml/#charsets).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# Characters XML carries but a terminal acts on (tab and CR in text, DEL, C1, the bidi
# controls): written as character references, which every XML reader turns back into the
# same character, so the report is safe to print and keeps its values.
_REFERENCED = re.compile(f"[\t\r\x7f-\x9f{BIDI}]")


def _clean(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _line(f: Finding) -> str:
    at = f"line {f.line}: " if f.line is not None else ""
    key = f"{f.key}: " if f.key else ""
    return _clean(f"{at}{key}{f.code} {f.severity.value}: {f.message}")


def _fails(f: Finding, *, strict: bool) -> bool:
    return f.severity is Severity.ERROR or (strict and f.severity is Severity.WARNING)


def as_junit(results: Sequence[FileResult], *, strict: bool = False) -> str:
    failed = sum(any(_fails(f, strict=strict) for f in r.findings) for r in results)
    counts = {"tests": str(len(results)), "failures": str(failed), "errors": "0", "skipped": "0"}
    root = ET.Element("testsuites", {"name": SUITE, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE, **counts})
    for r in results:
        case = ET.SubElement(suite, "testcase", {"classname": "profilegen.validate.pipeline", "name": _clean(r.path), "file": _clean(r.path)})
        bad = [f for f in r.findings if _fails(f, strict=strict)]
        other = [f for f in r.findings if not _fails(f, strict=strict)]
        if bad:
            codes = ", ".join(dict.fromkeys(f.code for f in bad))
            failure = ET.SubElement(case, "failure", {"message": f"{len(bad)} finding(s): {codes}", "type": bad[0].code})
            failure.text = "\n".join(_line(f) for f in bad)
        if other:
            ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in other)
    ET.indent(root)
    document = _REFERENCED.sub(lambda m: f"&#x{ord(m.group()):x};", ET.tostring(root, encoding="unicode"))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + document + "\n"
