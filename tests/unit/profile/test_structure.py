"""The fast plist grammar check must never accept what the XSD rejects."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profilegen.profile.fastread import UNSURE, fast_value
from profilegen.profile.read import MAX_DEPTH, _Stop, parse_xml, plist_schema
from profilegen.profile.structure import certainly_valid
from tests.conftest import GOLDEN

CASES = sorted(p for p in (GOLDEN.parent / "cases").rglob("*") if p.is_file()) + sorted(
    p for p in GOLDEN.rglob("*") if p.is_file()
)


def agree(data: bytes) -> None:
    # The fast path (fastread.py) checks the grammar in its own walk, element for element as
    # certainly_valid does: what it accepts, certainly_valid accepts too.
    fast = fast_value(data, MAX_DEPTH) is not UNSURE
    try:
        root, _ = parse_xml(data)
    except _Stop:
        assert not fast, "the fast path read what the careful path refuses"
        return
    if certainly_valid(root):
        errors = list(plist_schema().iter_errors(root))
        assert errors == [], f"fast check accepted what the XSD rejects: {errors[0]}"
    else:
        assert not fast, "the fast path's walk accepted what certainly_valid rejects"


def test_accepts_generated_profiles():
    for path in GOLDEN.rglob("*"):
        if path.is_file():
            root, _ = parse_xml(path.read_bytes())
            assert certainly_valid(root), path


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_sound_on_cases_and_mutations(path):
    data = path.read_bytes()
    agree(data)
    rng = random.Random(path.name)
    for _ in range(20):
        b = bytearray(data)
        i = rng.randrange(len(b))
        b[i : i + rng.randrange(1, 4)] = bytes(rng.choice(b"<>/ \n\tabcdefgiklnorstuy019+-.eE:TZx&") for _ in range(rng.randrange(0, 4)))
        agree(bytes(b))


TAGS = st.sampled_from(["dict", "array", "key", "string", "integer", "real", "date", "data", "true", "false", "plist", "x"])
TEXT = st.sampled_from(["", " ", "\n", "1", "-1", "0x1F", "1.5", "1e5", "inf", "nan", "2024-01-01T00:00:00Z", "AAA=", "a b", "\u00a0", "x"])


def tree(depth: int = 0):
    leaf = st.builds(lambda t, x: f"<{t}>{x}</{t}>", TAGS, TEXT) | st.builds(lambda t: f"<{t}/>", TAGS)
    if depth > 2:
        return leaf
    return leaf | st.builds(lambda t, kids, x: f"<{t}>{x}{''.join(kids)}</{t}>", TAGS, st.lists(tree(depth + 1), max_size=4), TEXT)


@settings(max_examples=400, deadline=None)
@given(tree(), st.sampled_from(['<plist version="1.0">', "<plist>", '<plist version="2">', "<plist a='b'>"]))
def test_sound_on_random_trees(body, opening):
    agree(f"{opening}{body}</plist>".encode())
