"""variants reads its file from stdin, a pipe or a process substitution; --only ignores case;
the summary is the last line; notes read as generate's; options that do nothing say so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from profilegen.cli import app
from profilegen.core.errors import InputError
from profilegen.variants.pipeline import load_variant_file, parse_variant_file, select
from tests.variants.conftest import make_base

PROFILEGEN = [sys.executable, "-m", "profilegen"]


def test_dash_reads_stdin(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = yaml.safe_dump(make_base()).encode()
    result = run("variants", "-", "--out", tmp_path / "out", stdin=text)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "com.contoso.jamfconnect.sales.login.mobileconfig").exists()


@pytest.mark.parametrize("how", ["dev-stdin", "process-substitution"])
def test_pipes_are_read_once(tmp_path: Path, how: str) -> None:
    text = yaml.safe_dump(make_base())
    out = tmp_path / "out"
    if how == "dev-stdin":
        done = subprocess.run([*PROFILEGEN, "variants", "/dev/stdin", "--out", str(out)], input=text.encode(),
                              capture_output=True, timeout=60)
    else:  # what bash's <(...) passes: a /dev/fd path of a pipe
        read_end, write_end = os.pipe()
        os.write(write_end, text.encode())
        os.close(write_end)
        done = subprocess.run([*PROFILEGEN, "variants", f"/dev/fd/{read_end}", "--out", str(out)], pass_fds=(read_end,),
                              capture_output=True, timeout=60)
        os.close(read_end)
    assert done.returncode == 0, done.stderr.decode()
    assert len(list(out.glob("*.mobileconfig"))) == 6


def test_stdin_larger_than_a_config_is_refused_without_reading_it_all(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("variants", "-", "--out", tmp_path / "out", stdin=b"# " + b"x" * (2 << 20))
    assert result.exit_code == 2 and "<stdin>: larger than 1 MiB" in result.stderr


@pytest.mark.parametrize("given", ["sales", "SALES", "Sales", "hR", "ENGINEERING"])
def test_only_matches_names_ignoring_case(given: str) -> None:
    vf = parse_variant_file(make_base(), source="d.yaml")
    (chosen,) = select(vf, [given])
    assert chosen.name.casefold() == given.casefold()


def test_only_unknown_name_still_suggests(tmp_path: Path) -> None:
    vf = parse_variant_file(make_base(), source="d.yaml")
    with pytest.raises(InputError, match="--only Saels: no such variant in d.yaml; did you mean Sales"):
        select(vf, ["Saels"])


def test_summary_is_the_last_line_with_keep_going_failures(run, write_config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = make_base()
    data["variants"][1]["login"] = {"LoginWindowMessage": "{{ variant.vars.nope }}"}
    result = run("variants", write_config(data), "--out", tmp_path / "out", "--keep-going")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[-1] == "3 variants, 5 files written, 0 unchanged"  # 2 x 2 profiles + manifest, lines
    assert any("variants[1] (Sales)" in line and "is undefined" in line for line in lines[:-1])
    assert "1 of 3 variants failed; the others were written" in result.stderr


def test_pg408_notes_are_printed_as_generate_prints_them(run, write_config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = make_base(variants=[{"name": "Sales"}])
    result = run("variants", write_config(data), "--out", tmp_path / "v")
    assert result.exit_code == 0, result.stderr
    base = {k: v for k, v in data.items() if k != "variants"}
    cfg = tmp_path / "base.yaml"
    cfg.write_text(yaml.safe_dump(base), encoding="utf-8")
    generated = run("generate", "--config", cfg, "--out", tmp_path / "g")
    (gen_note,) = [line for line in generated.stderr.splitlines() if "PG420" in line]
    (var_note,) = [line for line in result.stderr.splitlines() if "PG420" in line]
    # generate: "note: <file>: OIDCScopes: PG420 info: ..."; variants adds the file and variant
    assert gen_note.startswith("note: com.contoso.jamfconnect.login.mobileconfig: OIDCScopes: PG420 info: ")
    assert var_note.startswith("note: ") and "variants[0] (Sales): com.contoso.jamfconnect.sales.login.mobileconfig: " in var_note
    assert var_note.endswith(gen_note.split(".mobileconfig: ", 1)[1])


def test_load_variant_file_refuses_dash_without_stdin() -> None:
    with pytest.raises(InputError, match="- \\(stdin\\) is not available"):
        load_variant_file(Path("-"))


# --- options that do nothing in a combination -------------------------------------------------

GENERATE = ["generate", "--tenant", "contoso.onmicrosoft.com", "--client-id", "00000000-0000-4000-8000-00000000000a",
            "--organization", "Contoso", "--identifier", "com.contoso.jamfconnect"]


@pytest.mark.parametrize(
    ("extra", "note"),
    [
        (["--file-type", "plist", "--payload-style", "direct"], "note: --payload-style has no effect with --file-type plist"),
        (["--file-type", "plist", "--payload-style", "mcx"], "note: --payload-style has no effect with --file-type plist"),
        (["--component", "menubar", "--admin-role", "Admin"], "note: --admin-role has no effect with --component menubar"),
        (["--component", "menubar", "--discovery-url",
          "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration"],
         "note: --discovery-url has no effect with --component menubar"),
        (["--component", "menubar", "--redirect-uri", "https://127.0.0.1/jc"], "note: --redirect-uri has no effect"),
    ],
)
def test_options_without_effect_get_a_note(runner, tmp_path: Path, extra: list[str], note: str) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, [*GENERATE, "--out", str(tmp_path / "o"), *extra])
    assert result.exit_code == 0, result.stderr
    assert sum(line.startswith(note) for line in result.stderr.splitlines()) == 1, result.stderr


@pytest.mark.parametrize(
    "extra",
    [["--format", "plist"], ["--payload-style", "direct"], ["--component", "login", "--admin-role", "Admin"], ["--component", "menubar"]],
)
def test_no_note_when_every_option_counts(runner, tmp_path: Path, extra: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, [*GENERATE, "--out", str(tmp_path / "o"), *extra])
    assert result.exit_code == 0, result.stderr
    assert "has no effect" not in result.stderr


def test_variants_notes_payload_style_with_plist(run, write_config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("variants", write_config(make_base()), "--out", tmp_path / "o", "--format", "plist", "--payload-style", "direct")
    assert result.exit_code == 0, result.stderr
    assert "note: --payload-style has no effect with --file-type plist" in result.stderr


def test_dash_and_password_stdin_cannot_share_stdin(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("variants", "-", "--out", tmp_path / "o", "--p12", tmp_path / "x.p12", "--password-stdin", stdin=b"organization: x\n")
    assert result.exit_code == 2 and "FILE -: --password-stdin reads stdin too" in result.stderr
