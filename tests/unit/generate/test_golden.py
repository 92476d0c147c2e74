"""Golden files for the samples, in both payload styles and both formats, plus independent
oracles on every generated file: plistlib, plistutil (libplist, C) to binary and back, and
biplist reading that binary."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest

from profilegen.generate.config import load_config
from profilegen.generate.pipeline import generate
from tests.conftest import GOLDEN, SAMPLES

VARIANTS = [("mcx", "mobileconfig"), ("direct", "mobileconfig"), ("mcx", "plist")]
SAMPLE_FILES = sorted(SAMPLES.glob("*.yaml"))


def documents(sample: Path, style: str, fmt: str):
    config = load_config(sample, {})
    return generate(config, style=style, fmt=fmt)  # type: ignore[arg-type]


def cases():
    for sample in SAMPLE_FILES:
        if sample.stem == "departments":
            continue  # a variants file, tested in tests/variants
        for style, fmt in VARIANTS:
            yield pytest.param(sample, style, fmt, id=f"{sample.stem}-{style}-{fmt}")


@pytest.mark.parametrize("sample, style, fmt", list(cases()))
def test_golden(sample, style, fmt, update_golden):
    folder = GOLDEN / sample.stem / (style if fmt == "mobileconfig" else "plist")
    docs = documents(sample, style, fmt)
    if update_golden:
        folder.mkdir(parents=True, exist_ok=True)
        for doc in docs:
            (folder / doc.filename).write_bytes(doc.data)
    expected = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    assert sorted(d.filename for d in docs) == expected, "golden files missing: run pytest --update-golden"
    for doc in docs:
        assert doc.data == (folder / doc.filename).read_bytes(), f"{doc.filename} differs from its golden file"


@pytest.mark.parametrize("sample, style, fmt", list(cases()))
def test_oracles(sample, style, fmt, plistutil):
    import biplist

    for doc in documents(sample, style, fmt):
        ours = plistlib.loads(doc.data)
        binary = plistutil(doc.data, "bin")
        assert binary.startswith(b"bplist00")
        assert plistlib.loads(binary) == ours
        assert biplist.readPlistFromString(binary) == ours
        back = plistutil(binary, "xml")
        assert plistlib.loads(back) == ours
