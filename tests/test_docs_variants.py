"""docs/variants.md: its example runs as written, with the exit codes the page states."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

SCRIPT = shutil.which("profilegen", path=str(Path(sys.executable).parent))


def test_variants_page_example_runs(tmp_path: Path) -> None:
    page = (ROOT / "docs" / "variants.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", page, flags=re.S)
    assert block, "docs/variants.md has no sh example"
    commands = [shlex.split(line) for line in block.group(1).splitlines() if line.strip()]
    assert [c[:2] for c in commands] == [["profilegen", "variants"]] * 2 + [["profilegen", "diff"]]
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    assert SCRIPT, "the profilegen console script is not installed beside this Python"
    codes = []
    for command in commands:
        done = subprocess.run([SCRIPT, *command[1:]], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert "Traceback" not in done.stderr, done.stderr
        codes.append((done.returncode, done.stdout))
    assert [code for code, _ in codes] == [0, 0, 1], codes  # written, no drift, the two differ
    assert "~ login.OIDCAdmin" in codes[2][1] and "- login.DenyLocal" in codes[2][1]
    assert (tmp_path / "out" / "departments" / "manifest.json").is_file()
