"""docs/jamf-pro.md's worked example, run command by command against the fake Jamf Pro."""

from __future__ import annotations

import glob
import shlex
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.entra.conftest import run_cli

from .conftest import ENV
from .fake import FakeJamf

DOC = ROOT / "docs" / "jamf-pro.md"


def example() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- test: tests/jamf/test_docs.py")[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.startswith("profilegen ")]


def to_args(line: str, base: str) -> list[str]:
    """The command's arguments, pointed at the fake, with globs expanded as a shell would."""
    line = line.replace("https://example.jamfcloud.com", f"{base} --allow-http-loopback")
    args: list[str] = []
    for word in shlex.split(line)[1:]:
        args += sorted(glob.glob(word)) if "*" in word else [word]
    return args


def test_worked_example(fake_jamf: FakeJamf, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    commands = example()
    assert len(commands) == 7
    outputs = []
    for line in commands:
        result = run_cli(to_args(line, fake_jamf.base), env=ENV)
        assert result.exit_code == 0, (line, result.stdout, result.stderr)
        outputs.append(result.stdout)
    assert outputs[1] == "would create Jamf Connect Login Window\nwould create Jamf Connect Menu Bar\n"
    assert outputs[2] == "created Jamf Connect Login Window (id 1)\ncreated Jamf Connect Menu Bar (id 2)\n"
    assert outputs[4].count("created ") == 6
    assert outputs[5] == "pulled 8 profiles into deployed\n"
    again = run_cli(to_args(commands[2], fake_jamf.base), env=ENV)
    assert again.stdout == "unchanged Jamf Connect Login Window (id 1)\nunchanged Jamf Connect Menu Bar (id 2)\n"
