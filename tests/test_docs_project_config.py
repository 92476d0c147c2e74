"""docs/project-config.md: its example runs as pasted and prints what the page says."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT
from tests.doc_examples import run_page, sh_blocks

PAGE = ROOT / "docs" / "project-config.md"


def test_project_config_example_runs(tmp_path: Path) -> None:
    done = run_page(sh_blocks(PAGE), tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    # quiet run: nothing; --no-quiet: the summary only; --isolated: the PG420 info and the summary
    assert len(lines) == 3, done.stdout
    assert lines[0] == "2 file(s): 0 error(s), 0 warning(s), 0 info(s)"
    assert " PG420 info: design A (scoped policy)" in lines[1]
    assert lines[2] == "2 file(s): 0 error(s), 0 warning(s), 1 info(s)"
    assert done.stderr.splitlines()[-1] == f"profilegen: {tmp_path / 'pyproject.toml'} [tool.profilegen] select: no rule code starts with PG9; profilegen rules lists the codes"
    page = PAGE.read_text(encoding="utf-8")
    assert "`2 file(s): 0 error(s), 0 warning(s), 0 info(s)`" in page
