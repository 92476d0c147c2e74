"""The faster ways must answer exactly as the careful ones: validating the renderer's
parsed-back value vs the rendered bytes; batched syncs."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from profilegen.core import writer
from profilegen.core.errors import InputError
from profilegen.generate.config import read_yaml
from profilegen.generate.pipeline import generate
from profilegen.rules.findings import Finding
from profilegen.validate.pipeline import check_value, validate_bytes
from profilegen.variants.pipeline import load_variant_file, render_variants, variant_config

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
TEXTS = [
    "organization: [unclosed\n",
    "a: {b: 1\n",
    "a: 1\na: 2\n",
    "a:\n  b: 1\n  b: 2\n",
    "- just\n- a list\n",
    "organization: !!python/object:os.system x\n",
    "a:\n\t- b\n",
    "a: *nope\n",
    "a: &x [1, 2]\nb: *x\n",
    "a: b: c\n",
    "%YAML 9.9\n---\na: 1\n",
    'a: "\\ud800"\n',  # libyaml refuses this escape; PyYAML reads it
    "<<: {a: 1}\nb: 2\n",
    "a: 1\n---\nb: 2\n",
    "a: !!binary ZZZ\n",
    "a: 2001-12-14t21:59:43.10-05:00\nb: 0o17\nc: 1_000\nd: .inf\ne: ~\nf: yes\n",
    "".join(f"k{i}: &a{i} {i}\n" for i in range(60)) + "".join(f"r{i}: [*a{i}, *a{i}]\n" for i in range(60)),
]


def answer(path: Path) -> str:
    try:
        return repr(read_yaml(path))
    except InputError as exc:
        return "InputError " + repr(exc.problems)


def plain(findings: list[Finding]) -> list[tuple[str, str, str | None, str]]:
    """What variants reports of a finding: its line in the rendered bytes is never shown."""
    return [(f.code, f.severity.value, f.key, f.message) for f in findings]


@pytest.mark.parametrize("sample", [p for p in SAMPLES if "variants" in p.read_text(encoding="utf-8")], ids=lambda p: p.name)
def test_parsed_back_value_validates_as_the_bytes(sample):
    vf = load_variant_file(sample)
    for style in ("mcx", "direct"):
        for fmt in ("mobileconfig", "plist"):
            for outcome in render_variants(vf, vf.variants, components=("login", "menubar"), style=style, fmt=fmt):
                for doc in outcome.documents:
                    assert doc.value is not None
                    assert plain(check_value(doc.value, doc.filename, domain=doc.component)) == plain(validate_bytes(doc.data, doc.filename, domain=doc.component))
    # and with hostile text in a value: the checks that see it must agree too
    config = variant_config(vf, vf.variants[0]).model_copy(update={"organization": "Dept <x> & \"q\" ]]> \u202e"})
    for doc in generate(config):
        assert plain(check_value(doc.value, doc.filename)) == plain(validate_bytes(doc.data, doc.filename))


def test_files_synced_before_renames_and_directory_once(tmp_path, monkeypatch):
    events: list[str] = []
    real_fsync, real_place = os.fsync, writer._place

    def fsync(fd: int) -> None:
        events.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    def place(*args, **kwargs) -> None:
        events.append("renames")
        real_place(*args, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(writer, "_place", place)
    files = [(f"p{i}.mobileconfig", b"x" * i) for i in range(5)]
    writer.write_files(tmp_path, files, force=False)
    assert events == ["file"] * 5 + ["renames", "dir"]
    assert [p.read_bytes() for p in sorted(tmp_path.iterdir())] == [d for _, d in files]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".profilegen.")]
