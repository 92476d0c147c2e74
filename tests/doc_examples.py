"""Run the ```sh examples of a Markdown page as a reader pastes them: one bash session, top to
bottom, in a scratch directory holding a copy of samples/, with this checkout's `profilegen`
first on PATH.

Conventions the pages follow (and these helpers hold them to):
- Every command exits 0, unless its line ends in a comment `# exit N...`, which states the code.
- A block preceded by `<!-- not run: reason -->` (installs, macOS only) is checked by `bash -n`.
- `replace` rewrites text before running (a server URL to a local imitation); nothing else is
  changed, so what runs is what the page shows.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT, SAMPLES

_BLOCK = re.compile(r"(<!-- not run: [^>]*-->\n)?```sh\n(.*?)```", re.S)
_EXPECT = re.compile(r"\s#\s*exit (\d+)")


@dataclass(frozen=True)
class Block:
    code: str
    run: bool


def sh_blocks(page: Path | str) -> list[Block]:
    text = page.read_text(encoding="utf-8") if isinstance(page, Path) else page
    return [Block(m.group(2), m.group(1) is None) for m in _BLOCK.finditer(text)]


def commands(code: str) -> list[str]:
    """The commands of a block: comment lines and blank lines left out, `\\` continuations joined."""
    out: list[str] = []
    pending = ""
    for line in code.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1]
            continue
        out.append(pending + line)
        pending = ""
    return out


def expected_exit(command: str) -> int:
    m = _EXPECT.search(command)
    return int(m.group(1)) if m else 0


def script(blocks: list[Block], replace: dict[str, str] | None = None) -> str:
    lines = ['check() { [ "$2" -eq "$1" ] || { printf "FAILED with exit %s (the page says %s): %s\\n" "$2" "$1" "$3" >&2; exit 99; }; }']
    for block in blocks:
        if not block.run:
            continue
        for command in commands(block.code):
            run = command
            for old, new in (replace or {}).items():
                run = run.replace(old, new)
            lines += [run, f"check {expected_exit(command)} $? {shlex.quote(command)}"]
    return "\n".join(lines) + "\n"


def run_page(blocks: list[Block], cwd: Path, *, env: dict[str, str] | None = None, stdin: str = "",
             replace: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the blocks in ``cwd`` (samples/ copied there first) and return the finished bash."""
    if not (cwd / "samples").exists():
        shutil.copytree(SAMPLES, cwd / "samples")
    base = {k: v for k, v in os.environ.items() if not k.startswith("PROFILEGEN_")}
    full = {**base, "HOME": str(cwd), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", **(env or {})}
    return subprocess.run(["bash", "-c", script(blocks, replace)], cwd=cwd, env=full, input=stdin,
                          capture_output=True, text=True, timeout=180)


def parses(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-n"], input=code, capture_output=True, text=True, timeout=30)


def relative_links(page: Path) -> list[tuple[str, Path]]:
    """(link, target file) for every relative Markdown link of ``page``."""
    text = page.read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    return [(link, (page.parent / link.split("#", 1)[0]).resolve()) for link in links
            if not re.match(r"[a-z]+:", link) and not link.startswith("#")]


__all__ = ["ROOT", "Block", "commands", "expected_exit", "parses", "relative_links", "run_page", "script", "sh_blocks"]
