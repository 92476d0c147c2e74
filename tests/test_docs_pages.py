"""The examples of docs/validate.md and docs/upload-by-hand.md run as pasted, and leave what the
pages say they leave."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ROOT
from tests.doc_examples import run_page, sh_blocks

DOCS = ROOT / "docs"


def test_validate_page_examples_run(tmp_path: Path) -> None:
    done = run_page(sh_blocks(DOCS / "validate.md"), tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["summary"] == {"files": 2, "errors": 0, "warnings": 0, "infos": 1}
    # --explain's second line and `rules PG420 PG402`'s designs in full (issue 20)
    assert "details: profilegen rules PG420\n    design A (scoped policy): the login window asks" in done.stdout
    assert "\nPG402  warning" in done.stdout and "\n    design D (no custom scope): no custom API scope" in done.stdout


def test_upload_by_hand_examples_run(tmp_path: Path) -> None:
    page = (DOCS / "upload-by-hand.md").read_text(encoding="utf-8")
    done = run_page(sh_blocks(DOCS / "upload-by-hand.md"), tmp_path)
    assert done.returncode == 0, done.stderr
    for name in ("upload/com.contoso.jamfconnect.login.plist", "upload/com.contoso.jamfconnect.menubar.plist",
                 "profiles/com.contoso.jamfconnect.login.mobileconfig"):
        assert (tmp_path / name).is_file() and f"`{name}`" in page, name
    # The page's domain table; validate reads each bare plist's domain from its name (no PG110
    # guess: the one info of each run is the design's PG420).
    assert "| `….login.plist` | `com.jamf.connect.login` |" in page and "| `….menubar.plist` | `com.jamf.connect` |" in page
    assert "2 file(s): 0 error(s), 0 warning(s), 1 info(s)" in done.stdout
