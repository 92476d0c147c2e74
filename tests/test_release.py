"""One version, one tag scheme, one address, floors that match the lowest-run pins, and a GitHub
Action whose script does what docs/ci.md says (docs/releasing.md)."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from profilegen import __version__
from profilegen.validate.report.sarif import PROJECT_URL
from tests.conftest import ROOT, SAMPLES

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
BIN = Path(sys.executable).parent


def test_the_version_is_stated_once_and_installed_as_stated():
    project = PYPROJECT["project"]
    assert "version" not in project and project["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "profilegen/__init__.py"
    assert importlib.metadata.version("profilegen") == __version__


def test_the_changelog_opens_with_unreleased_then_this_version():
    headings = re.findall(r"^## \[([^\]]+)\]", (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)
    assert headings[:2] == ["Unreleased", __version__]


def test_every_tag_in_the_docs_is_this_versions():
    tag = f"v{__version__}"
    texts = {p.name: p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]}
    seen = 0
    for name, text in texts.items():
        for found in re.findall(r"^\s*rev:\s*(\S+)", text, re.M):
            assert found == tag, (name, found)
            seen += 1
        for found in re.findall(r"profilegen/profilegen@([\w.\-]+)", text):
            assert found == tag, (name, found)
            seen += 1
    assert seen >= 3  # pre-commit rev, the action's uses, the pip install line


def test_one_address_for_the_project():
    urls = PYPROJECT["project"]["urls"]
    assert urls["Homepage"] == PROJECT_URL
    assert all(u.startswith(PROJECT_URL) for u in urls.values())
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for found in re.findall(r"https://github\.com/[\w.-]+/profilegen\b", path.read_text(encoding="utf-8")):
            assert found == PROJECT_URL, (path.name, found)


def test_license_file_and_metadata_agree():
    assert PYPROJECT["project"]["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_every_runtime_floor_is_pinned_in_the_lowest_run():
    """.ci/run's second run installs ci/constraints-lowest.txt: each pin must be the floor that
    pyproject.toml states, or the lowest run tests versions nobody promised."""
    pins = {}
    for line in (ROOT / "ci" / "constraints-lowest.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    for spec in PYPROJECT["project"]["dependencies"]:
        match = re.match(r"([A-Za-z0-9_.\-]+)\s*>=\s*([\w.]+)", spec)
        assert match, f"dependency without a floor: {spec}"
        name, floor = match.group(1).lower().replace("_", "-"), match.group(2)
        assert name in pins, f"{name} has no pin in ci/constraints-lowest.txt"
        assert tuple(map(int, pins[name].split("."))) == tuple(map(int, (floor + ".0.0").split(".")[:len(pins[name].split("."))])), (name, pins[name], floor)


# The action ---------------------------------------------------------------------------------


def steps():
    return ACTION["runs"]["steps"]


def test_action_inputs_never_reach_a_script_as_text():
    """GitHub's script-injection guidance: `${{ inputs.x }}` in `run:` is pasted into the script
    before bash reads it, so a path like `$(curl ...)` would run. Inputs go through env:."""
    assert ACTION["runs"]["using"] == "composite"
    for step in steps():
        if "run" in step:
            assert "${{" not in step["run"], step.get("name")
            assert step["shell"] == "bash"


def run_validate_step(tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], str]:
    (step,) = [s for s in steps() if s.get("id") == "validate"]
    defaults = {k: v.get("default", "") for k, v in ACTION["inputs"].items()}
    values = {**defaults, **inputs}
    env = {name: values[re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", ref).group(1)] for name, ref in step["env"].items()}
    output = tmp_path / "github_output"
    output.write_text("")
    env = {**os.environ, **env, "GITHUB_OUTPUT": str(output), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    return done, output.read_text()


@pytest.fixture(scope="module")
def profiles(tmp_path_factory):
    root = tmp_path_factory.mktemp("action")
    done = subprocess.run([str(BIN / "profilegen"), "generate", "--config", str(SAMPLES / "contoso.yaml"), "--out", str(root / "profiles")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return root


def test_action_validates_and_leaves_a_sarif_report(profiles):
    done, output = run_validate_step(profiles, paths="profiles/")
    assert done.returncode == 0, done.stderr
    assert output == "exit-code=0\n"
    report = json.loads((profiles / "profilegen.sarif").read_text(encoding="utf-8"))
    assert report["version"] == "2.1.0" and report["runs"][0]["tool"]["driver"]["version"] == __version__


def test_action_reports_error_findings_and_lets_the_upload_run(profiles, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    text = next((profiles / "profiles").glob("*login*.mobileconfig")).read_text(encoding="utf-8")
    (broken / "login.mobileconfig").write_text(re.sub(r"(<key>OIDCClientID</key>\s*<string>)[^<]+", r"\1not-a-guid", text), encoding="utf-8")
    done, output = run_validate_step(tmp_path, paths="broken", **{"sarif-file": "out.sarif"})
    assert done.returncode == 0, done.stderr  # the upload step must still run
    assert output == "exit-code=1\n"
    results = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    assert any(r["level"] == "error" and "OIDCClientID" in r["message"]["text"] for r in results)
    fail = next(s for s in steps() if s.get("name") == "Fail on findings")
    assert fail["if"] == "${{ steps.validate.outputs.exit-code == '1' }}"


@pytest.mark.parametrize(("inputs", "message"), [
    ({"strict": "yes"}, "profilegen action: input strict is 'yes'; use true or false"),
    ({"paths": "  "}, "profilegen action: input paths is empty; name files or directories, e.g. profiles/"),
])
def test_action_refuses_bad_inputs_in_one_line(tmp_path, inputs, message):
    done, output = run_validate_step(tmp_path, **inputs)
    assert done.returncode == 2 and done.stderr == message + "\n" and output == ""


def test_action_paths_are_not_options_nor_code(profiles, tmp_path):
    """A path that looks like an option or holds shell syntax stays a path."""
    done, output = run_validate_step(tmp_path, paths="--output=planted.json $(touch\tpwned)")
    assert output == "exit-code=2\n" and done.returncode == 2
    assert not (tmp_path / "planted.json").exists() and not (tmp_path / "pwned").exists()
