"""Line numbers from the first parse (issue 21): the fast path's element tree paired with the
start tags in the bytes gives every element the line expat gives it, for every line-end style,
and a finding's line is found without parsing the file a second time."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from profilegen.profile import read
from profilegen.profile.fastread import UNSURE, fast_read, start_lines
from profilegen.profile.read import MAX_DEPTH, parse_xml
from profilegen.validate.pipeline import check_bytes

ROOT = Path(__file__).resolve().parents[3]
CASES = sorted(p for p in (ROOT / "tests" / "cases").rglob("*") if p.is_file() and p.suffix in (".plist", ".mobileconfig"))
LOGIN = ROOT / "tests" / "cases" / "PG402" / "pass-design-a.login.plist"


def expat_lines(data: bytes) -> list[int]:
    root, lines = parse_xml(data)
    return [lines[id(e)] for e in root.iter()]


def fast_lines(data: bytes) -> list[int] | None:
    value, root = fast_read(data, MAX_DEPTH)
    if value is UNSURE or root is None:
        return None
    lines = start_lines(data, root)
    return None if lines is None else [lines[id(e)] for e in root.iter()]


@pytest.mark.parametrize("end", [b"\n", b"\r\n", b"\r", b"\r\n\n\r"], ids=["LF", "CRLF", "CR", "mixed"])
def test_every_element_gets_expat_s_line_whatever_the_line_ends(end: bytes) -> None:
    data = LOGIN.read_bytes().replace(b"\n", end)
    data = data.replace(b"<dict>", b"<dict>" + end + end, 1)  # blank lines in between
    got = fast_lines(data)
    assert got is not None and got == expat_lines(data)
    assert max(got) >= 20  # lines really counted, not all 1


def test_every_case_file_the_fast_path_reads_gets_expat_s_lines() -> None:
    compared = 0
    for path in CASES:
        data = path.read_bytes()
        got = fast_lines(data)
        if got is not None:
            assert got == expat_lines(data), path
            compared += 1
    assert compared > 100


def test_a_tree_that_is_not_the_file_s_is_refused() -> None:
    data = LOGIN.read_bytes()
    other = ET.fromstring(b"<plist><dict><key>a</key><string>b</string></dict></plist>")
    assert start_lines(data, other) is None
    renamed = ET.fromstring(data)
    next(renamed.iter("key")).tag = "kez"
    assert start_lines(data, renamed) is None


def test_findings_get_their_lines_without_a_second_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    data = LOGIN.read_bytes()
    careful = check_bytes(data, "x.login.plist", careful=True).findings
    assert any(f.line for f in careful)

    def no_second_parse(_: bytes) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(read, "parse_xml", no_second_parse)
    assert check_bytes(data, "x.login.plist").findings == careful
