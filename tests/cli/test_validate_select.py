"""validate --select/--ignore/--quiet and the project config (issue 22, point 4)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from profilegen.cli import app
from tests.helpers import BASE_ARGS

OTHER_APP = "11111111-2222-4333-8444-555555555555"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner) -> Path:  # type: ignore[no-untyped-def]
    """A repository (it has .git) holding a profile with PG404 warning + PG420 info, and a broken file (PG101 error)."""
    (tmp_path / ".git").mkdir()
    done = runner.invoke(app, [*BASE_ARGS, "--component", "login", "--ropg-client-id", OTHER_APP, "--out", str(tmp_path / "p")])
    assert done.exit_code == 0, done.stderr
    (tmp_path / "p" / "broken.plist").write_bytes(b"<plist><dict><key>x</key></plist>")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PROFILEGEN_NO_PROJECT_CONFIG", raising=False)
    return tmp_path


def codes(stdout: str) -> list[str]:
    """The codes of the finding lines (the last line is the summary)."""
    return sorted(m.group(1) for line in stdout.splitlines()[:-1] for m in [re.search(r" (PG\d{3}) (error|warning|info): ", line)] if m)


def test_everything_then_select_and_ignore(runner, repo):  # type: ignore[no-untyped-def]
    full = runner.invoke(app, ["validate", "p"])
    assert full.exit_code == 1 and codes(full.stdout) == ["PG101", "PG404", "PG420"], full.stdout
    ignored = runner.invoke(app, ["validate", "--ignore", "PG1", "p"])
    assert ignored.exit_code == 0 and codes(ignored.stdout) == ["PG404", "PG420"]
    assert ignored.stdout.splitlines()[-1] == "2 file(s): 0 error(s), 1 warning(s), 1 info(s)"
    picked = runner.invoke(app, ["validate", "--select", "pg4", "--ignore", "PG420", "p"])
    assert picked.exit_code == 0 and codes(picked.stdout) == ["PG404"]
    both = runner.invoke(app, ["validate", "--ignore", "PG101,PG420", "--ignore", "PG404", "p"])
    assert (both.exit_code, both.stdout) == (0, "2 file(s): 0 error(s), 0 warning(s), 0 info(s)\n")


@pytest.mark.parametrize(("value", "message"), [
    ("PG9", "profilegen: --select: no rule code starts with PG9; profilegen rules lists the codes\n"),
    ("PG42O", "profilegen: --select: 'PG42O' is not a rule code; give one such as PG420, or a prefix such as PG4 (profilegen rules lists them)\n"),
    ("", "profilegen: --select: '' is not a rule code; give one such as PG420, or a prefix such as PG4 (profilegen rules lists them)\n"),
])
def test_unknown_code_exit_2(runner, repo, value, message):  # type: ignore[no-untyped-def]
    done = runner.invoke(app, ["validate", "--select", value, "p"])
    assert (done.exit_code, done.stdout, done.stderr) == (2, "", message)


def test_quiet_shows_what_fails_only(runner, repo):  # type: ignore[no-untyped-def]
    quiet = runner.invoke(app, ["validate", "-q", "p"])
    assert quiet.exit_code == 1
    assert quiet.stdout == "p/broken.plist: PG101 error: not well-formed XML: mismatched tag at line 1, column 28\n"
    strict = runner.invoke(app, ["validate", "--quiet", "--strict", "p"])
    assert strict.exit_code == 1 and codes(strict.stdout + "\n") == ["PG101", "PG404"]
    clean = runner.invoke(app, ["validate", "--quiet", "--ignore", "PG101", "p"])
    assert (clean.exit_code, clean.stdout) == (0, "")
    as_json = runner.invoke(app, ["validate", "--quiet", "--format", "json", "--ignore", "PG101", "p"])
    assert '"code": "PG420"' in as_json.stdout and '"summary"' in as_json.stdout  # machine formats stay whole


def test_project_config_in_pyproject_and_command_line_wins(runner, repo):  # type: ignore[no-untyped-def]
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.profilegen]\nignore = ["PG1"]\nquiet = true\nstrict = true\n')
    (repo / "sub").mkdir()
    done = runner.invoke(app, ["validate", "p"])
    assert done.exit_code == 1 and codes(done.stdout + "\n") == ["PG404"]  # quiet + strict: the warning only
    loud = runner.invoke(app, ["validate", "--no-quiet", "--no-strict", "--ignore", "PG404", "p"])
    assert loud.exit_code == 1 and codes(loud.stdout) == ["PG101", "PG420"]  # --ignore replaced the file's
    isolated = runner.invoke(app, ["validate", "--isolated", "p"])
    assert isolated.exit_code == 1 and codes(isolated.stdout) == ["PG101", "PG404", "PG420"]


def test_dotfile_found_from_a_subdirectory_and_wins_over_pyproject(runner, repo, monkeypatch):  # type: ignore[no-untyped-def]
    (repo / "pyproject.toml").write_text('[tool.profilegen]\nselect = ["PG404"]\n')
    (repo / ".profilegen.toml").write_text('select = ["PG101"]\nformat = "github"\n')
    (repo / "a" / "b").mkdir(parents=True)
    monkeypatch.chdir(repo / "a" / "b")
    done = runner.invoke(app, ["validate", "../../p"])
    assert done.exit_code == 1
    assert done.stdout.startswith("::error ") and "PG101" in done.stdout and "PG404" not in done.stdout


def test_search_stops_at_the_repository_root(runner, repo, monkeypatch):  # type: ignore[no-untyped-def]
    (repo / ".profilegen.toml").write_text('ignore = ["PG1"]\n')
    inner = repo / "vendor" / "other"
    (inner / ".git").mkdir(parents=True)
    monkeypatch.chdir(inner)
    done = runner.invoke(app, ["validate", str(repo / "p")])
    assert done.exit_code == 1 and "PG101" in done.stdout


def test_pyproject_without_the_table_is_passed_over(runner, repo, monkeypatch):  # type: ignore[no-untyped-def]
    (repo / ".profilegen.toml").write_text('ignore = ["PG1"]\n')
    (repo / "sub").mkdir()
    (repo / "sub" / "pyproject.toml").write_text('[project]\nname = "profilegen-unrelated"\n')
    monkeypatch.chdir(repo / "sub")
    assert runner.invoke(app, ["validate", "../p"]).exit_code == 0


@pytest.mark.parametrize(("text", "problem"), [
    (b'ignore = "PG1"\n', 'ignore must be a list of rule codes, such as ignore = ["PG4", "PG501"]'),
    (b'select = ["PG9"]\n', None),
    (b"quiet = 1\n", "quiet must be true or false"),
    (b'format = "xml"\n', "format 'xml' is not one of text, json, sarif, junit, github"),
    (b'colour = true\n', "unknown key 'colour'; the keys are select, ignore, quiet, strict, target-version, format"),
    (b"target-version = 3\n", 'target-version must be a string, such as target-version = "login=3.0,menubar=3.0"'),
    (b'target-version = "3.0"\n', None),
    (b"select = [\n", None),
    (b'select = ["PG\xff"]\n', "not UTF-8 (byte 13); TOML files are UTF-8"),
    (b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n", None),
])
def test_bad_config_exit_2_naming_file_and_key(runner, repo, text, problem):  # type: ignore[no-untyped-def]
    (repo / ".profilegen.toml").write_bytes(text)
    done = runner.invoke(app, ["validate", "p"])
    assert done.exit_code == 2 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"profilegen: {repo / '.profilegen.toml'}"), line
    if problem is not None:
        assert line.endswith(problem), line
    assert "Traceback" not in done.stderr


def test_bad_config_in_pyproject_names_the_table(runner, repo):  # type: ignore[no-untyped-def]
    (repo / "pyproject.toml").write_text('[tool.profilegen]\nquiet = "yes"\n')
    done = runner.invoke(app, ["validate", "p"])
    assert (done.exit_code, done.stderr) == (2, f"profilegen: {repo / 'pyproject.toml'} [tool.profilegen]: quiet must be true or false\n")
    unknown = runner.invoke(app, ["validate", "--isolated", "p"])
    assert unknown.exit_code == 1  # --isolated does not read it at all
