"""The hooks in .pre-commit-hooks.yaml, run by pre-commit itself on a throwaway repository.

pre-commit installs profilegen from a snapshot of this checkout into its own virtualenv (pip,
from PyPI), which takes a while: this is the one such test, and its two runs share that environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT

CASES = ROOT / "tests" / "cases"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env={**os.environ, **GIT_ENV})
    return done.stdout.strip()


def snapshot(dest: Path) -> str:
    """This checkout as it is now (uncommitted changes too) as one commit in ``dest``."""
    listed = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard").splitlines()
    for name in listed:
        src = ROOT / name
        if src.is_file() and not name.startswith("tests/"):
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-qm", "snapshot")
    return git(dest, "rev-parse", "HEAD")


def test_hook_definitions():
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    validate = hooks["profilegen-validate"]
    assert validate["entry"] == "profilegen validate --" and validate["language"] == "python"
    assert validate["require_serial"] is True
    import re

    files = re.compile(validate["files"])
    assert all(files.search(n) for n in ("a.mobileconfig", "B.MOBILECONFIG", "dir/x.Plist"))
    assert not any(files.search(n) for n in ("a.mobileconfig.bak", "plist.txt", "README.md"))
    variants = hooks["profilegen-variants-check"]
    assert variants["entry"] == "profilegen variants --check" and variants["pass_filenames"] is False


def test_pre_commit_try_repo(tmp_path):
    hook_repo, target = tmp_path / "hook", tmp_path / "target"
    hook_repo.mkdir()
    target.mkdir()
    rev = snapshot(hook_repo)
    (target / "good.login.plist").write_bytes((CASES / "PG402" / "pass-design-a.login.plist").read_bytes())
    (target / "Bad.MobileConfig").write_bytes((CASES / "PG205" / "fail-same-uuid.mobileconfig").read_bytes())
    git(target, "init", "-q")
    git(target, "add", "-A")
    pre_commit = str(Path(sys.executable).with_name("pre-commit"))

    # One PRE_COMMIT_HOME for both runs, one after the other: the first builds the hook's
    # environment, the second reuses it (two homes in parallel built it twice, on 2 cores).
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "home"), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}

    def run(name: str) -> subprocess.CompletedProcess[str]:
        cmd = [pre_commit, "try-repo", str(hook_repo), "profilegen-validate", "--ref", rev, "--files", name]
        return subprocess.run(cmd, cwd=target, capture_output=True, text=True, env=env, timeout=600)

    good, bad = run("good.login.plist"), run("Bad.MobileConfig")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Bad.MobileConfig" in bad.stdout and "PG205" in bad.stdout
