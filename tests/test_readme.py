"""The README is the front door (issue 22): short, every example runs as pasted, top to bottom,
its set-up commands are the ones CI runs, and every link leads somewhere."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from profilegen.rules import load_all
from profilegen.validate.report import rules_markdown
from tests.conftest import ROOT
from tests.doc_examples import commands, parses, relative_links, run_page, sh_blocks
from tests.jamf.conftest import ENV, fake_jamf  # noqa: F401 (fixture)
from tests.jamf.fake import CLIENT_ID, CLIENT_SECRET, FakeJamf

README = ROOT / "README.md"


def test_readme_is_short() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150, len(lines)


def test_setup_commands_are_the_ones_ci_and_the_fresh_clone_check_run() -> None:
    # ../shared/tools/fresh-clone-check takes the first two lines starting `python3 -m venv`;
    # .ci/run runs the second (the test command) itself.
    first = sh_blocks(README)[0]
    setup = [c for c in commands(first.code) if c.startswith("python3 -m venv")]
    assert len(setup) == 2 and first.run
    assert [c for b in sh_blocks(README) for c in commands(b.code) if c.startswith("python3 -m venv")] == setup
    assert setup[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert setup[0].endswith("&& .venv/bin/profilegen generate --config samples/contoso.yaml --out out --force")


def test_examples_run_as_pasted(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    blocks = sh_blocks(README)
    # The set-up block installs (the fresh-clone check runs it); its generate runs here.
    setup = commands(blocks[0].code)[0].rsplit("&& .venv/bin/", 1)[1]
    runnable = [b for b in blocks[1:] if b.run]
    assert all("<" not in c for b in runnable for c in commands(b.code)), "no <placeholders> in runnable examples"
    env = {"PROFILEGEN_JAMF_BACKOFF_SCALE": str(ENV["PROFILEGEN_JAMF_BACKOFF_SCALE"])}
    # The tenant's policies as Graph returns them: one MFA policy on the API app, which fits design A.
    shutil.copy(ROOT / "tests" / "entra" / "ca_corpus" / "05-api-app-mfa.json", tmp_path / "policies.json")
    done = run_page([blocks[0].__class__(setup, True), *runnable], tmp_path, env=env, stdin=CLIENT_SECRET + "\n",
                    replace={"https://example.jamfcloud.com": f"{fake_jamf.base} --allow-http-loopback"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert CLIENT_SECRET not in done.stdout + done.stderr
    # What the README says each step leaves behind.
    assert sorted(p.name for p in (tmp_path / "profiles").iterdir()) == [
        "com.contoso.jamfconnect.login.mobileconfig", "com.contoso.jamfconnect.menubar.mobileconfig"]
    assert (tmp_path / "results.sarif").is_file() and (tmp_path / "out" / "departments" / "manifest.json").is_file()
    assert "would create Jamf Connect Login Window" in done.stdout
    assert "fits design A: yes" in done.stdout
    assert len(fake_jamf.profiles) == 2 and len(list((tmp_path / "deployed").glob("*.mobileconfig"))) == 2
    assert f"export PROFILEGEN_JAMF_CLIENT_ID={CLIENT_ID}" in README.read_text(encoding="utf-8")


def test_install_blocks_parse() -> None:
    held = [b for b in sh_blocks(README) if not b.run]
    assert len(held) == 2
    for block in held:
        assert parses(block.code).returncode == 0, block.code


def test_links_lead_to_files() -> None:
    for page in [README, ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for link, target in relative_links(page):
            assert target.exists(), f"{page.name}: {link}"


def test_readme_names_no_internal_history() -> None:
    text = README.read_text(encoding="utf-8")
    assert not re.search(r"\bissue \d+|\b[0-9a-f]{7,40}\b(?<!\d{7})", text.replace("7c1a7f3e-1b2c-4d5e-8f90-a1b2c3d4e5f6", ""))


def test_rule_table_is_current() -> None:
    text = (ROOT / "docs" / "validate.md").read_text(encoding="utf-8")
    start = text.index("<!-- rules:start -->\n") + len("<!-- rules:start -->\n")
    end = text.index("<!-- rules:end -->")
    assert text[start:end] == rules_markdown(list(load_all().values())), "run: python tools/update_rules_doc.py"

