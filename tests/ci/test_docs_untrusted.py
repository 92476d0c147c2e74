"""The example in docs/untrusted-text.md runs as written and prints what the page shows."""

from __future__ import annotations

from tests.ci.test_docs import blocks, sh
from tests.conftest import ROOT

PAGE = ROOT / "docs" / "untrusted-text.md"


def test_examples_print_what_the_page_shows(tmp_path) -> None:  # type: ignore[no-untyped-def]
    commands = [line for block in blocks(PAGE, "sh") for line in block.splitlines() if line.startswith("profilegen ")]
    shown = blocks(PAGE, "text")
    assert len(commands) == len(shown) == 2  # each command is followed by what it prints
    for command, output in zip(commands, shown):
        done = sh(command, tmp_path)
        assert done.returncode == 2, (command, done.stderr)
        assert done.stderr == output and done.stdout == "", command
    assert list(tmp_path.iterdir()) == []  # nothing written
