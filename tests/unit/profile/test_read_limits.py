"""profile.read at its limits (issue 23): the exact finding a user gets one step past each limit,
and none one step inside it. MAX_BYTES, MAX_DEPTH, MAX_OBJECTS and MAX_XSD_ERRORS are pinned."""

from __future__ import annotations

import plistlib

import pytest

from profilegen.profile import read
from profilegen.profile.read import MAX_BYTES, MAX_DEPTH, MAX_OBJECTS, MAX_XSD_ERRORS, read_document, read_value, too_large


def codes(data: bytes, **kw: object) -> list[tuple[str, str | None, int | None, str]]:
    _doc, findings = read_document(data, "x.login.plist", **kw)  # type: ignore[arg-type]
    return [(f.code, f.key, f.line, f.message) for f in findings]


def test_limits_are_pinned() -> None:
    assert (MAX_BYTES, MAX_DEPTH, MAX_OBJECTS, MAX_XSD_ERRORS) == (4 << 20, 100, 200_000, 5)


def test_size_limit_boundary() -> None:
    inside = plistlib.dumps({"A": "x"})
    padded = inside.replace(b"<string>x</string>", b"<string>" + b"x" * (MAX_BYTES - len(inside) + 1) + b"</string>")
    assert len(padded) == MAX_BYTES
    doc, findings = read_document(padded, "x.login.plist")
    assert doc is not None and findings == []
    over = padded.replace(b"<string>x", b"<string>xx")
    assert codes(over) == [("PG105", None, None, "4,194,305 bytes is over the 4 MiB (4,194,304 bytes) limit; not read")]
    assert too_large(None).message == "the input is over the 4 MiB (4,194,304 bytes) limit; not read"


def nested(levels: int) -> object:
    value: object = "x"
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize("careful", [False, True])
def test_depth_limit_boundary(careful: bool) -> None:
    # MAX_DEPTH elements of XML: <plist>, <dict>, 97 arrays and the <string>.
    doc, findings = read_document(plistlib.dumps({"A": nested(MAX_DEPTH - 3)}), "x.login.plist", careful=careful)
    assert doc is not None and [f.code for f in findings] == []
    doc, findings = read_document(plistlib.dumps({"A": nested(MAX_DEPTH - 2)}), "x.login.plist", careful=careful)
    assert doc is None and [(f.code, f.severity.value, f.message) for f in findings] == [
        ("PG107", "error", "nesting deeper than 100 levels at line 104, column 108")]


def test_depth_limit_of_a_value() -> None:
    assert read_value({"A": nested(MAX_DEPTH - 1)}, "x.login.plist")[0] is not None
    doc, findings = read_value({"A": nested(MAX_DEPTH)}, "x.login.plist")
    assert doc is None and [(f.code, f.message) for f in findings] == [("PG107", "nesting deeper than 100 levels")]


def test_object_limit_boundary() -> None:
    # The dictionary itself is one object.
    doc, findings = read_value({"A": list(range(MAX_OBJECTS - 2))}, "x.login.plist")
    assert doc is not None and findings == []
    doc, findings = read_value({"A": list(range(MAX_OBJECTS - 1))}, "x.login.plist")
    assert doc is None and [(f.code, f.message) for f in findings] == [("PG105", "more than 200000 objects; not read further")]


def test_object_limit_boundary_on_the_fast_path() -> None:
    # The fast path counts the objects as it reads (fastread.Tree.objects) instead of
    # read._count_objects walking the value again: the same boundary, the same finding.
    def flat(count: int) -> bytes:
        return b'<plist version="1.0"><dict><key>A</key><array>' + b"<true/>" * count + b"</array></dict></plist>"

    doc, findings = read_document(flat(MAX_OBJECTS - 2), "x.login.plist")
    assert doc is not None and doc.fast and findings == []
    assert codes(flat(MAX_OBJECTS - 1)) == [("PG105", None, None, "more than 200000 objects; not read further")]
    assert codes(flat(MAX_OBJECTS - 1), careful=True) == codes(flat(MAX_OBJECTS - 1))


def test_at_most_five_schema_findings() -> None:
    body = "".join(f"<key>K{i}</key><integer>x{i}</integer>" for i in range(MAX_XSD_ERRORS + 3))
    data = f'<?xml version="1.0"?><plist version="1.0"><dict>{body}</dict></plist>'.encode()
    found = [c for c, *_ in codes(data)]
    assert found == ["PG103"] * MAX_XSD_ERRORS


def test_duplicate_keys_each_named_with_its_line() -> None:
    data = b"""<?xml version="1.0"?>
<plist version="1.0"><dict>
<key>A</key><string>1</string>
<key>B</key><string>2</string>
<key>A</key><string>3</string>
<key>A</key><string>4</string>
<key>sub</key><dict><key>A</key><true/></dict>
</dict></plist>"""
    assert codes(data) == [("PG104", "A", 5, "key 'A' appears twice in one dictionary; keep one"),
                           ("PG104", "A", 6, "key 'A' appears twice in one dictionary; keep one")]


def test_top_level_and_corrupt_binary() -> None:
    assert codes(plistlib.dumps([1])) == [("PG106", None, None, "the top level is list, not a dictionary; this is no profile")]
    assert codes(plistlib.dumps({"A": 1}, fmt=plistlib.FMT_BINARY)[:-3]) == [
        ("PG106", None, None, "corrupt binary plist (InvalidFileException); re-export it")]
    doc, findings = read_document(plistlib.dumps({"A": 1}, fmt=plistlib.FMT_BINARY), "x.login.plist")
    assert doc is not None and doc.encoding == "binary" and findings == []


def test_pem_that_is_no_signed_profile() -> None:
    pem = b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"
    assert codes(pem) == [("PG106", None, None, "a PEM CERTIFICATE block, not a signed profile")]


def test_a_profile_is_told_from_bare_preferences() -> None:
    doc, _ = read_document(plistlib.dumps({"PayloadType": "Configuration"}), "x.mobileconfig")
    assert doc is not None and doc.is_profile
    doc, _ = read_document(plistlib.dumps({"PayloadContent": []}), "x.mobileconfig")
    assert doc is not None and doc.is_profile
    doc, _ = read_document(plistlib.dumps({"PayloadContent": {}, "PayloadType": "Other"}), "x.login.plist")
    assert doc is not None and not doc.is_profile
    doc, _ = read_document(plistlib.dumps({"A": 1}), "x.login.plist", careful=True)
    assert doc is not None and doc.lines is not None and not doc.fast
    doc, _ = read_document(plistlib.dumps({"A": 1}), "x.login.plist")
    assert doc is not None and doc.fast and doc.lines is None


def test_recursion_is_a_finding(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def deep(*args: object, **kwargs: object) -> None:
        raise RecursionError

    monkeypatch.setattr(read, "_read", deep)
    assert codes(b"x") == [("PG107", None, None, "nesting deeper than Python can follow; not read further")]
    monkeypatch.setattr(read, "_document", deep)
    doc, findings = read_value({}, "x")
    assert doc is None and [f.message for f in findings] == ["nesting deeper than Python can follow; not read further"]


def test_with_lines_leaves_a_document_that_has_lines_or_cannot_have_them_as_it_is() -> None:
    data = plistlib.dumps({"A": 1})
    careful, _ = read_document(data, "x.login.plist", careful=True)
    assert careful is not None and careful.lines is not None
    assert read.with_lines(careful, data) is careful
    fast, _ = read_document(data, "x.login.plist")
    assert fast is not None and fast.fast
    with_map = read.with_lines(fast, data)
    assert with_map is not fast and with_map.lines is not None
    assert read.with_lines(with_map, data) is with_map
