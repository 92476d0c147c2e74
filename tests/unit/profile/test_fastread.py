"""Parse once: the fast path (fastread.py) must answer exactly as the careful path (our expat
walk, the plist grammar, plistlib) on every case file, the corpus, everything generate writes,
generated plists and hostile variants; and it must leave every doubtful file to the careful path."""

from __future__ import annotations

import datetime as dt
import plistlib
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profilegen.profile.fastread import UNSURE, _attribute, _unplain, fast_read, fast_value
from profilegen.profile.read import MAX_DEPTH
from profilegen.validate.pipeline import check_bytes
from tests.conftest import GOLDEN
from tests.unit.generate.test_render_properties import TEXT

ROOT = Path(__file__).resolve().parents[3]
CASES = sorted(p for p in (ROOT / "tests" / "cases").rglob("*") if p.is_file() and p.suffix in (".plist", ".mobileconfig"))
GENERATED = sorted(p for p in GOLDEN.rglob("*") if p.is_file())


def typed(value: Any) -> Any:
    """``value`` with every type spelled out: True == 1 and 1.0 == 1 must not pass for equal."""
    if isinstance(value, dict):
        return ("dict", [(k, typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    return (type(value).__name__, repr(value))


def same_answer(data: bytes, name: str) -> None:
    fast = check_bytes(data, name)
    careful = check_bytes(data, name, careful=True)
    assert fast.findings == careful.findings
    assert (fast.document is None) == (careful.document is None)
    if fast.document is not None and careful.document is not None:
        assert typed(fast.document.data) == typed(careful.document.data)
    value = fast_value(data, MAX_DEPTH)
    if value is not UNSURE:
        assert typed(value) == typed(plistlib.loads(data, fmt=plistlib.FMT_XML))


@pytest.mark.parametrize("path", [*CASES, *GENERATED], ids=lambda p: str(p.relative_to(ROOT)))
def test_cases_and_generated(path):
    same_answer(path.read_bytes(), path.name)


def test_corpus(corpus):
    files = [p for p in corpus.rglob("*") if p.is_file()]
    assert files
    for path in files:
        same_answer(path.read_bytes(), path.name)


def objects(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + sum(objects(v) for v in value.values())
    if isinstance(value, list):
        return 1 + sum(objects(v) for v in value)
    return 1


def test_the_fast_path_counts_every_object_it_reads():
    counted = 0
    for path in [*CASES, *GENERATED]:
        value, tree = fast_read(path.read_bytes(), MAX_DEPTH)
        if tree is not None:
            assert tree.objects == objects(value), path
            counted += 1
    assert counted > 100


def test_generated_profiles_take_the_fast_path():
    assert GENERATED and all(fast_value(p.read_bytes(), MAX_DEPTH) is not UNSURE for p in GENERATED if p.suffix in (".mobileconfig", ".plist"))


VALUES = st.recursive(
    TEXT
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False)
    | st.binary(max_size=40)
    | st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)).map(lambda d: d.replace(microsecond=0)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefs=st.dictionaries(TEXT, VALUES, max_size=6), name=st.sampled_from(["x.login.plist", "x.menubar.plist", "x.plist"]))
def test_generated_plists(prefs, name):
    data = plistlib.dumps(prefs)
    # XML turns every \r and \r\n into \n when it is read (XML 1.0 §2.11), so keys "\r" and "\n"
    # of one dictionary become one key twice: that file is PG104's, and the fast path rightly
    # leaves it to the careful one. Every other generated plist takes the fast path.
    if not _collide_when_read(prefs):
        assert fast_value(data, MAX_DEPTH) is not UNSURE
    same_answer(data, name)


def _collide_when_read(value: Any) -> bool:
    if isinstance(value, dict):
        keys = [k.replace("\r\n", "\n").replace("\r", "\n") for k in value]
        return len(set(keys)) < len(keys) or any(_collide_when_read(v) for v in value.values())
    if isinstance(value, list):
        return any(_collide_when_read(v) for v in value)
    return False


def test_keys_that_collide_when_read_are_pg104_on_both_paths():
    data = plistlib.dumps({"\r": 1, "\n": 2})
    assert fast_value(data, MAX_DEPTH) is UNSURE
    findings = check_bytes(data, "x.plist").findings
    assert [(f.code, f.key, f.line) for f in findings if f.code == "PG104"] == [("PG104", "\n", 8)]
    same_answer(data, "x.plist")
    nested = plistlib.dumps({"a": [{"x\r\n": 1, "x\n": 2}]})
    assert _collide_when_read({"a": [{"x\r\n": 1, "x\n": 2}]}) and fast_value(nested, MAX_DEPTH) is UNSURE
    assert not _collide_when_read({"\r": 1, "a": {"\n": 2}})


BODY = b"<plist version=\"1.0\"><dict><key>OIDCProvider</key><string>Azure</string><key>OIDCTenant</key><string>%s</string></dict></plist>"
HOSTILE = {
    "entity declared": b'<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY e "x">]>' + BODY % b"&e;",
    "undeclared entity": BODY % b"&nbsp;",
    "external dtd and entity": b'<!DOCTYPE plist SYSTEM "http://127.0.0.1:9/x.dtd">' + BODY % b"&e;",
    "comment": BODY % b"a<!-- c -->b",
    "cdata": BODY % b"<![CDATA[<x>]]>",
    "processing instruction": BODY % b"a<?pi x?>b",
    "namespace": BODY.replace(b"<dict>", b'<dict xmlns:a="urn:x">') % b"t",
    "default namespace": BODY.replace(b"<plist ", b'<plist xmlns="urn:x" ') % b"t",
    "duplicate key": BODY.replace(b"<key>OIDCTenant</key>", b"<key>OIDCProvider</key>") % b"t",
    "latin-1": b'<?xml version="1.0" encoding="ISO-8859-1"?>' + BODY % b"caf\xe9",
    "utf-16": ('<?xml version="1.0" encoding="UTF-16"?>' + (BODY % b"t").decode()).encode("utf-16"),
    "bad integer": BODY.replace(b"<string>Azure</string>", b"<integer>-0x10</integer>") % b"t",
    "spaced date": BODY.replace(b"<string>Azure</string>", b"<date> 2020-01-01T00:00:00Z</date>") % b"t",
    "year-only date": BODY.replace(b"<string>Azure</string>", b"<date>2020Z</date>") % b"t",
    "invalid utf-8": BODY % b"\xff",
    "attribute": BODY.replace(b"<string>Azure</string>", b'<string a="1">Azure</string>') % b"t",
    "deep": b"<plist>" + b"<array>" * (MAX_DEPTH + 5) + b"</array>" * (MAX_DEPTH + 5) + b"</plist>",
    "nearly deep": b"<plist>" + b"<array>" * (MAX_DEPTH - 2) + b"</array>" * (MAX_DEPTH - 2) + b"</plist>",
    "not well-formed": BODY[:-8] % b"t",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_files_go_the_careful_way(name):
    data = HOSTILE[name]
    if name != "nearly deep":
        assert fast_value(data, MAX_DEPTH) is UNSURE
    same_answer(data, "hostile.login.plist")


def test_references_the_fast_path_reads():
    data = BODY % b"&amp;&lt;&gt;&quot;&apos;&#13;&#x1F600;\r\n"
    assert fast_value(data, MAX_DEPTH) == {"OIDCProvider": "Azure", "OIDCTenant": "&<>\"'\r\U0001f600\n"}
    same_answer(data, "refs.login.plist")


# What fast_read asks of the bytes, as single patterns: the searches it makes instead must
# answer alike (fastread._unplain, fastread._attribute).
UNPLAIN = re.compile(rb"<[!?]|&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)|xmlns|\x00")
ATTRIBUTE = re.compile(rb"<[^<>]*=")
PIECES = st.lists(st.sampled_from([b"<", b">", b"=", b"<!", b"<?", b"&", b"&amp;", b"&#1;", b"&#x;", b"&lt", b"xmlns", b"xmln", b"\x00", b"a", b" ", b"\n", b"</", b"/>", b'"']), max_size=30).map(b"".join)


@settings(max_examples=400, deadline=None)
@given(data=PIECES, pos=st.integers(min_value=0, max_value=40))
def test_the_plain_bytes_scans_answer_as_their_patterns(data, pos):
    assert _unplain(data, pos) == (UNPLAIN.search(data, pos) is not None)
    assert _attribute(data, pos) == (ATTRIBUTE.search(data, pos) is not None)


@pytest.mark.parametrize("path", [*CASES, *GENERATED][:60], ids=lambda p: p.name)
def test_the_plain_bytes_scans_answer_as_their_patterns_on_real_files(path):
    data = path.read_bytes()
    for pos in (0, 40, 150):
        assert _unplain(data, pos) == (UNPLAIN.search(data, pos) is not None)
        assert _attribute(data, pos) == (ATTRIBUTE.search(data, pos) is not None)
    spoiled = data.replace(b"<string>", b'<string x="1">', 1)
    assert _attribute(spoiled, 0) == (ATTRIBUTE.search(spoiled, 0) is not None)


class Scanned(bytes):
    """Bytes that add up how much of them find and rfind really search."""

    searched = 0

    def find(self, sub, start=0, end=None):  # type: ignore[no-untyped-def, override]
        end = len(self) if end is None else end
        at = super().find(sub, start, end)
        Scanned.searched += (at if at >= 0 else end) - start
        return at

    def rfind(self, sub, start=0, end=None):  # type: ignore[no-untyped-def, override]
        end = len(self) if end is None else end
        at = super().rfind(sub, start, end)
        Scanned.searched += end - (at if at >= 0 else start)
        return at


@pytest.mark.parametrize("text", [b"=" * 5000, b"a=b>" * 2000, b"x" * 3000 + b"=" * 3000, b"<k>=</k>" * 1000])
def test_the_attribute_scan_searches_each_stretch_of_the_bytes_once(text):
    # An "=" in text must not send the search back over all the text before it: on 4 MiB of
    # "=" that would be hours.
    data = Scanned(b'<plist version="1.0"><string>' + text + b"</string></plist>")
    Scanned.searched = 0
    assert not _attribute(data, 21)
    assert Scanned.searched <= 3 * len(data)
