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


def test_jamf_connect_3_page_examples_run(tmp_path: Path) -> None:
    """docs/jamf-connect-3.md (issue 20): every example runs as pasted and shows what the page says."""
    done = run_page(sh_blocks(DOCS / "jamf-connect-3.md"), tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    # contoso.yaml has a custom scope (design A, ROPGScopes set): login window 2.45.1 is new enough
    assert "PG310" not in out
    # --provider-value EntraID: no finding by itself; with a 2.x target one PG311 info per component
    entraid = [line for line in out.splitlines() if "entraid/" in line and "PG311 info: 'EntraID': first release unknown" in line]
    assert len(entraid) == 2, out
    body = json.loads((tmp_path / "blueprint" / "oidc-app.json").read_text(encoding="utf-8"))
    assert body["publicClient"]["redirectUris"] == ["https://127.0.0.1/jamfconnect", "jamfconnect://loggedin", "jamfunlock://callback/auth"]
    assert "\n    design D (no custom scope): " in out  # rules PG420 prints every design
    page = (DOCS / "jamf-connect-3.md").read_text(encoding="utf-8")
    for fact in ("00000002-0000-0000-c000-000000000000", "https://aka.ms/BaselineScopesSettingsUX",
                 "https://mysignins.microsoft.com/security-info/password/change", "jamfconnect://loggedin"):
        assert fact in page, fact
