"""The README's config example runs as pasted, and names the required fields."""

from __future__ import annotations

import re
from pathlib import Path

from profilegen.cli import app
from tests.conftest import ROOT


def readme_config() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Config file\n") :]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]


def test_readme_config_example_runs_as_pasted(runner, tmp_path: Path) -> None:
    example = readme_config()
    assert "..." not in example and "<" not in example
    cfg = tmp_path / "contoso.yaml"
    cfg.write_text(example, encoding="utf-8")
    result = runner.invoke(app, ["generate", "--config", str(cfg), "--out", str(tmp_path / "profiles")])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "profiles").iterdir()) == [
        "com.contoso.jamfconnect.login.mobileconfig", "com.contoso.jamfconnect.menubar.mobileconfig"]
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert all("PG420 info" in line for line in notes), notes  # the design info only: zero other findings


def test_readme_says_which_fields_are_required(runner, tmp_path: Path) -> None:
    example = readme_config()
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
    head = "\n".join(line for line in readme_config().splitlines() if not line.startswith(("login:", "menubar:", "  M", "  D", "  L", "  S")))
    cfg = tmp_path / "c.yaml"
    cfg.write_text(head + "\n" + example, encoding="utf-8")
    result = runner.invoke(app, ["generate", "--config", str(cfg), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.stderr
    login = prefs_of((tmp_path / "o" / "com.contoso.jamfconnect.login.mobileconfig").read_bytes())
    assert login["DenyLocal"] is True and login["LocalFallback"] is False and login["LoginWindowMessage"].startswith("Sign in")
