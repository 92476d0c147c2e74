"""Line numbers from the first parse (issue 21): the fast path's element tree paired with the
start tags in the bytes gives every element the line expat gives it, for every line-end style,
and a finding's line is found without parsing the file a second time."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from profilegen.profile import read
from profilegen.profile.fastread import UNSURE, StartTags, fast_read
from profilegen.profile.read import MAX_DEPTH, parse_xml
from profilegen.validate.pipeline import check_bytes

ROOT = Path(__file__).resolve().parents[3]
CASES = sorted(p for p in (ROOT / "tests" / "cases").rglob("*") if p.is_file() and p.suffix in (".plist", ".mobileconfig"))
LOGIN = ROOT / "tests" / "cases" / "PG402" / "pass-design-a.login.plist"


def expat_lines(data: bytes) -> list[int]:
    root, lines = parse_xml(data)
    return [lines[id(e)] for e in root.iter()]


def fast_lines(data: bytes) -> list[int] | None:
    value, tree = fast_read(data, MAX_DEPTH)
    if value is UNSURE or tree is None:
        return None
    tags = StartTags.pair(data, tree.root)
    return None if tags is None else [tags.line(e) for e in tree.root.iter()]


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
    assert StartTags.pair(data, other) is None
    renamed = ET.fromstring(data)
    next(renamed.iter("key")).tag = "kez"
    assert StartTags.pair(data, renamed) is None


def test_findings_get_their_lines_without_a_second_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    data = LOGIN.read_bytes()
    careful = check_bytes(data, "x.login.plist", careful=True).findings
    assert any(f.line for f in careful)

    def no_second_parse(_: bytes) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(read, "parse_xml", no_second_parse)
    assert check_bytes(data, "x.login.plist").findings == careful


def key_paths(value: object, prefix: str = "") -> list[str]:
    """Every key path in ``value``, and beside each a key and an index that are not there."""
    out: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            out += [path, f"{path}.NoSuchKey", *key_paths(item, path)]
    elif isinstance(value, list):
        out.append(f"{prefix}[{len(value)}]")
        for i, item in enumerate(value):
            out += [f"{prefix}[{i}]", *key_paths(item, f"{prefix}[{i}]")]
    return out


@pytest.mark.parametrize("end", [b"\n", b"\r\n", b"\r"], ids=["LF", "CRLF", "CR"])
def test_lines_counted_on_demand_answer_as_the_full_map_for_every_key_path(end: bytes) -> None:
    # The fast path counts a line only for the key a finding names (keylines.TreeLines); the
    # careful path indexes every key (index_lines). Both must answer alike for every path in
    # every case file, the settings' own dictionaries (direct style: a copy) included.
    from profilegen.profile.keylines import TreeLines

    compared = 0
    for path in CASES:
        data = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", end)
        fast, _ = read.read_document(data, path.name)
        careful, _ = read.read_document(data, path.name, careful=True)
        if fast is None or careful is None or not fast.fast or fast.signer is not None:
            continue  # signed: the lines inside a signature are not the file's
        fast = read.with_lines(fast, data)
        assert isinstance(fast.lines, TreeLines) and careful.lines is not None
        bases = [(fast.data, careful.data), *((a.data, b.data) for a, b in zip(fast.settings, careful.settings))]
        for mine, theirs in bases:
            for key in ["NoSuchKey", "[0]", *key_paths(theirs)]:
                assert fast.lines.line_of(mine, key) == careful.lines.line_of(theirs, key), (path, key)
                compared += 1
    assert compared > 2000
