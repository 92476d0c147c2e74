"""docs/generate.md holds: its examples run as pasted, the config example names the required fields,
and what the page says generate does is what it does."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from profilegen.cli import app
from tests.conftest import ROOT
from tests.doc_examples import run_page, sh_blocks
from tests.helpers import BASE_ARGS, SCOPE, TENANT


PAGE = ROOT / "docs" / "generate.md"


def page_config() -> str:
    text = PAGE.read_text(encoding="utf-8")
    section = text[text.index("## Config file\n") :]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]


def test_config_example_runs_as_pasted(runner, tmp_path: Path) -> None:
    example = page_config()
    assert "..." not in example and "<" not in example
    cfg = tmp_path / "contoso.yaml"
    cfg.write_text(example, encoding="utf-8")
    result = runner.invoke(app, ["generate", "--config", str(cfg), "--out", str(tmp_path / "profiles")])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "profiles").iterdir()) == [
        "com.contoso.jamfconnect.login.mobileconfig", "com.contoso.jamfconnect.menubar.mobileconfig"]
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert all("PG420 info" in line for line in notes), notes  # the design info only: zero other findings


def test_page_says_which_fields_are_required(runner, tmp_path: Path) -> None:
    example = page_config()
    required = [line.split(":")[0].strip() for line in example.splitlines() if "# required" in line]
    assert required == ["organization", "identifier", "tenant", "client_id"]
    for field in required:  # and each really is: without it, generate names it
        lines = [line for line in example.splitlines() if not line.strip().startswith(f"{field}:")]
        cfg = tmp_path / "c.yaml"
        cfg.write_text("\n".join(lines), encoding="utf-8")
        result = runner.invoke(app, ["generate", "--config", str(cfg), "--out", str(tmp_path / "o")])
        assert result.exit_code == 2 and "required" in result.stderr and field in result.stderr, result.stderr


def test_docs_merge_key_example_runs(runner, tmp_path: Path) -> None:
    from tests.helpers import prefs_of

    doc = (ROOT / "docs" / "config-files.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", doc, re.S).group(1)  # type: ignore[union-attr]
    example = "\n".join(line.removeprefix("  ") for line in block.splitlines())
    head = "\n".join(line for line in page_config().splitlines() if not line.startswith(("login:", "menubar:", "  M", "  D", "  L", "  S")))
    cfg = tmp_path / "c.yaml"
    cfg.write_text(head + "\n" + example, encoding="utf-8")
    result = runner.invoke(app, ["generate", "--config", str(cfg), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.stderr
    login = prefs_of((tmp_path / "o" / "com.contoso.jamfconnect.login.mobileconfig").read_bytes())
    assert login["DenyLocal"] is True and login["LocalFallback"] is False and login["LoginWindowMessage"].startswith("Sign in")


def _tenant_row() -> str:
    return next(line for line in PAGE.read_text(encoding="utf-8").splitlines() if line.startswith("| `--tenant` |"))


# QA1 item 8: the --tenant row says what generate does with each multi-tenant authority.
@pytest.mark.parametrize(("tenant", "exit_code"), [("organizations", 0), ("common", 2), ("consumers", 2),
                                                    ("9188040d-6c67-4c5b-b112-36a304b66dad", 2)])
def test_tenant_row_matches_generate(runner, tmp_path, tenant, exit_code):
    row = _tenant_row()
    args = [a if a != TENANT else tenant for a in BASE_ARGS]
    result = runner.invoke(app, [*args, "--component", "login", "--out", str(tmp_path / "out")])
    assert result.exit_code == exit_code, result.output
    if exit_code == 0:
        assert "`organizations` is accepted with a warning" in row and "GUID" in result.stderr
    else:
        assert "refused" in row and (f"`{tenant}`" in row or "its GUID" in row)


# QA1 item 12: "generate's output validates with zero findings" apart from the design info, and
# PG404 exactly when --ropg-client-id names another app, as the page says.
@pytest.mark.parametrize(("extra", "expected"), [
    ((), {"PG420"}),
    (("--custom-scope", SCOPE), {"PG420"}),
    (("--custom-scope", SCOPE, "--ropg-client-id", "3f0c6a1e-5b7d-4c19-9e3a-7d1b2c3e4f51"), {"PG420", "PG404"}),
])
def test_generate_claim_holds(runner, tmp_path, extra, expected):
    text = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert "`--ropg-client-id` with another app than `--client-id` gets PG404's warning" in text
    out = tmp_path / "out"
    assert runner.invoke(app, [*BASE_ARGS, *extra, "--out", str(out)]).exit_code == 0
    result = runner.invoke(app, ["validate", "--format", "json", str(out)])
    found = {f["code"] for file in json.loads(result.stdout)["files"] for f in file["findings"]}
    assert found == expected


def test_options_example_runs(tmp_path: Path) -> None:
    blocks = sh_blocks(PAGE)
    assert [b.run for b in blocks] == [True, True]
    done = run_page(blocks, tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "profiles").iterdir()) == [
        "com.contoso.jamfconnect.login.mobileconfig", "com.contoso.jamfconnect.menubar.mobileconfig"]
    # the --check block: the first check is clean, the second names the login profile's OIDCAdmin
    assert "2 files up to date, 0 drifted" in done.stderr and "0 files up to date" not in done.stderr
    assert "changed: profiles/com.contoso.jamfconnect.login.mobileconfig" in done.stdout and "OIDCAdmin" in done.stdout


def test_minimal_sample_comment_is_true(runner, tmp_path: Path) -> None:
    # The comment says: without custom_scope, validate names design D in its PG420 info.
    text = (ROOT / "samples" / "minimal.yaml").read_text(encoding="utf-8")
    assert "PG420" in text and "design D" in text and "PG408" not in text
    cfg = tmp_path / "m.yaml"
    cfg.write_text("\n".join(line for line in text.splitlines() if "custom_scope:" not in line), encoding="utf-8")
    assert runner.invoke(app, ["generate", "--config", str(cfg), "--out", str(tmp_path / "o")]).exit_code == 0
    result = runner.invoke(app, ["validate", str(tmp_path / "o")])
    assert "PG420 info: design D (no custom scope)" in result.stdout
