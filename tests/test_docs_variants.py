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


# Issue 22: the page's "last stderr line" sentence, for each of the four endings it names.
def test_last_stderr_line_is_what_the_page_says(runner, tmp_path: Path) -> None:
    from profilegen.cli import app

    page = " ".join((ROOT / "docs" / "variants.md").read_text(encoding="utf-8").split())
    cfg = tmp_path / "v.yaml"
    cfg.write_text("organization: Contoso\nidentifier: com.contoso.jamfconnect\nazure: {tenant: contoso.onmicrosoft.com, "
                   "client_id: 00000000-0000-4000-8000-00000000000a}\nvariants:\n  - name: Good\n  - name: Bad\n"
                   "    login: {OIDCProvider: Nope}\n", encoding="utf-8")
    runs = {
        "fails": (["variants", str(cfg), "--out", str(tmp_path / "a")], 2, "profilegen: 1 of 2 variants failed; nothing written"),
        "keep-going": (["variants", str(cfg), "--out", str(tmp_path / "b"), "--keep-going"], 2, "2 variants, 3 files written, 0 unchanged"),
        "good": (["variants", str(ROOT / "samples" / "departments.yaml"), "--out", str(tmp_path / "c")], 0, "3 variants, 7 files written, 0 unchanged"),
        "check": (["variants", str(ROOT / "samples" / "departments.yaml"), "--out", str(tmp_path / "c"), "--check"], 0, "3 variants, 7 files up to date, 0 drifted"),
    }
    for name, (args, code, last) in runs.items():
        result = runner.invoke(app, args)
        assert result.exit_code == code and result.stderr.splitlines()[-1] == last, (name, result.stderr)
    assert "the last stderr line is `N variants, M files written, K unchanged`" in page
    assert "`N variants, M files up to date, K drifted`" in page and "`F of N variants failed; nothing written`" in page
    assert "`F of N variants failed; the others were written`" in page
