"""The examples in docs/ci.md and docs/editors.md run as written (placeholders aside)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, SAMPLES

DOCS = [ROOT / "docs" / "ci.md", ROOT / "docs" / "editors.md"]
BIN = Path(sys.executable).parent


def blocks(path: Path, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


def sh(cmd: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(["bash", "-c", cmd], cwd=cwd, capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def repo(tmp_path):
    """A repository of profiles as the docs assume: profiles/ and a variants file."""
    shutil.copy(SAMPLES / "departments.yaml", tmp_path / "departments.yaml")
    done = sh(f"profilegen generate --config {shlex.quote(str(SAMPLES / 'contoso.yaml'))} --out profiles", tmp_path)
    assert done.returncode == 0, done.stderr
    done = sh("profilegen variants departments.yaml --out profiles/departments", tmp_path)
    assert done.returncode == 0, done.stderr
    return tmp_path


def test_shell_examples_run(repo):
    commands = [line for path in DOCS for block in blocks(path, "sh") for line in block.splitlines() if line.startswith("profilegen ")]
    assert len(commands) >= 5
    for cmd in commands:
        done = sh(cmd, repo)
        assert done.returncode == 0, (cmd, done.stdout, done.stderr)
    assert json.loads((repo / "results.sarif").read_text())["version"] == "2.1.0"
    assert (repo / "junit.xml").read_text().startswith("<?xml")
    assert json.loads((repo / "config.schema.json").read_text())["title"] == "profilegen generate config"


def test_workflow_example(repo):
    _action, workflow, private = (yaml.safe_load(b) for b in blocks(ROOT / "docs" / "ci.md", "yaml")[:3])
    steps = workflow["jobs"]["validate"]["steps"]
    runs = [s["run"] for s in steps if "run" in s and s["run"].startswith("profilegen ")]
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["if"] == "always()" and f"--output {upload['with']['sarif_file']}" in runs[0]
    assert workflow["jobs"]["validate"]["permissions"]["security-events"] == "write"
    assert "--format github" in private[0]["run"]
    for cmd in [*runs, private[0]["run"]]:
        done = sh(cmd, repo)
        assert done.returncode == 0, (cmd, done.stdout, done.stderr)


def test_pre_commit_example_names_real_hooks_and_runs(repo):
    config = yaml.safe_load(blocks(ROOT / "docs" / "ci.md", "yaml")[3])
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    (used,) = config["repos"]
    for hook in used["hooks"]:
        spec = hooks[hook["id"]]
        files = "" if spec.get("pass_filenames", True) is False else " profiles/*"
        cmd = f"{spec['entry']} {shlex.join(hook.get('args', []))}{files}"
        done = sh(cmd, repo)
        assert done.returncode == 0, (cmd, done.stdout, done.stderr)


def test_vscode_settings_example_is_json():
    (settings,) = blocks(ROOT / "docs" / "editors.md", "json")
    assert set(json.loads(settings)["yaml.schemas"]) == {"./config.schema.json", "./variants.schema.json"}
