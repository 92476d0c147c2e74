"""Identity, manifest, determinism, all-or-nothing writes, --keep-going, --only and --check."""

from __future__ import annotations

import hashlib
import json
import plistlib
from pathlib import Path

import pytest

from profilegen.generate.build import payload_uuid


def files_of(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_identity_file_names_and_manifest(run, sample: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    result = run("variants", sample, "--out", out)
    assert result.exit_code == 0, result.output
    assert "3 variants, 7 files written, 0 unchanged" in result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert list(manifest) == ["variants"]
    assert [v["slug"] for v in manifest["variants"]] == ["engineering", "sales", "finance-pilot"]
    listed = set()
    for variant in manifest["variants"]:
        # The sample has a jamf: block (issue 10): the variant records it, each file its name.
        assert sorted(variant) == ["files", "jamf", "name", "slug"]
        assert variant["jamf"]["category"] == "Jamf Connect" and variant["jamf"]["scope_groups"]
        for entry, component in zip(variant["files"], ("login", "menubar")):
            assert sorted(entry) == ["identifier", "jamf_name", "path", "sha256", "uuid"]
            words = {"login": "Login Window", "menubar": "Menu Bar"}[component]
            assert entry["jamf_name"] == f"Jamf Connect {words} ({variant['name']})"
            ident = f"com.contoso.jamfconnect.{variant['slug']}.{component}"
            assert entry["identifier"] == ident
            assert entry["path"] == f"{ident}.mobileconfig"
            assert entry["uuid"] == payload_uuid(ident)
            data = (out / entry["path"]).read_bytes()
            assert entry["sha256"] == hashlib.sha256(data).hexdigest()
            profile = plistlib.loads(data)
            assert profile["PayloadIdentifier"] == ident and profile["PayloadUUID"] == entry["uuid"]
            listed.add(entry["path"])
    assert set(files_of(out)) == listed | {"manifest.json"}
    assert (out / "manifest.json").read_bytes().endswith(b"}\n")


def test_output_is_deterministic(run, sample: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first, second = tmp_path / "a", tmp_path / "b"
    assert run("variants", sample, "--out", first).exit_code == 0
    assert run("variants", sample, "--out", second).exit_code == 0
    assert files_of(first) == files_of(second)
    again = run("variants", sample, "--out", first)  # same dir: nothing to write, no --force needed
    assert again.exit_code == 0
    assert "3 variants, 0 files written, 7 unchanged" in again.stderr
    assert files_of(first) == files_of(second)


def test_plist_format_has_null_identifier_and_uuid(run, sample: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    result = run("variants", sample, "--out", out, "--format", "plist", "--component", "login")
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    entry = manifest["variants"][1]["files"]
    assert entry == [
        {
            "path": "com.contoso.jamfconnect.sales.login.plist",
            "identifier": None,
            "uuid": None,
            "sha256": hashlib.sha256((out / "com.contoso.jamfconnect.sales.login.plist").read_bytes()).hexdigest(),
            "jamf_name": "Jamf Connect Login Window (Sales)",
        }
    ]
    assert "DenyLocal" not in plistlib.loads((out / entry[0]["path"]).read_bytes())


def test_a_changed_existing_file_needs_force(run, write_config, base_config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = base_config()
    path = write_config(data)
    out = tmp_path / "out"
    assert run("variants", path, "--out", out).exit_code == 0
    data["variants"][1]["login"] = {"Migrate": False}
    write_config(data)
    before = files_of(out)
    result = run("variants", path, "--out", out)
    assert result.exit_code == 2 and "pass --force" in result.stderr
    assert files_of(out) == before
    result = run("variants", path, "--out", out, "--force")
    assert result.exit_code == 0
    assert "2 files written" in result.stderr  # the Sales login profile and the manifest


def test_a_validate_error_in_one_variant_writes_nothing(run, write_config, base_config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = base_config()
    data["variants"][1]["login"] = {"HelpURL": "http://help.contoso.com"}  # PG503, found by validate's rules
    out = tmp_path / "out"
    result = run("variants", write_config(data), "--out", out)
    assert result.exit_code == 2
    assert "variants[1] (Sales): com.contoso.jamfconnect.sales.login.mobileconfig: PG503 HelpURL: uses http://" in result.stderr
    assert "1 of 3 variants failed; nothing written" in result.stderr
    assert not out.exists()


def test_keep_going_writes_only_the_good_variants(run, write_config, base_config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = base_config()
    data["variants"][1]["login"] = {"LoginWindowMessage": "{{ variant.nope }}"}
    out = tmp_path / "out"
    result = run("variants", write_config(data), "--out", out, "--keep-going")
    assert result.exit_code == 2
    assert "variants[1] (Sales): login.LoginWindowMessage: 'variant.nope' is undefined" in result.stderr
    assert "1 of 3 variants failed; the others were written" in result.stderr
    names = set(files_of(out))
    assert not any(".sales." in n for n in names)
    assert {"com.contoso.jamfconnect.engineering.login.mobileconfig", "com.contoso.jamfconnect.hr.menubar.mobileconfig"} <= names
    manifest = json.loads((out / "manifest.json").read_text())
    assert [v["slug"] for v in manifest["variants"]] == ["engineering", "hr"]


@pytest.mark.parametrize(
    ("variants", "message"),
    [
        ([{"name": "Sales"}, {"name": "sales"}], "variants[1] (sales): name: 'sales' is also the name of variants[0]"),
        ([{"name": "Sales"}, {"name": "Sales EU", "slug": "sales"}], "slug: 'sales' is also the slug of variants[0]"),
        ([{"name": "Sales", "slug": "Sales_EU"}], "slug: 'Sales_EU' must be lowercase"),
        ([{"name": "Sales", "logn": {}}], "logn: unknown field; did you mean login?"),
        ([{"slug": "x"}], "variants[0]: name: required"),
        ([], "variants: give a list of variants"),
    ],
)
def test_bad_variant_lists_are_input_errors(run, write_config, base_config, tmp_path: Path, variants: list, message: str) -> None:  # type: ignore[no-untyped-def, type-arg]
    result = run("variants", write_config(base_config(variants=variants)), "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


def test_only_renders_the_named_variants_and_keeps_the_manifest_whole(run, sample: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    result = run("variants", sample, "--out", out, "--only", "sales")
    assert result.exit_code == 0, result.output
    assert sorted(files_of(out)) == [
        "com.contoso.jamfconnect.sales.login.mobileconfig",
        "com.contoso.jamfconnect.sales.menubar.mobileconfig",
        "manifest.json",
    ]
    full = tmp_path / "full"
    assert run("variants", sample, "--out", full).exit_code == 0
    assert run("variants", sample, "--out", out, "--only", "Engineering", "--only", "finance-pilot", "--force").exit_code == 0
    assert files_of(out) == files_of(full)
    result = run("variants", sample, "--out", out, "--only", "Sale")
    assert result.exit_code == 2 and "--only Sale: no such variant" in result.stderr and "did you mean" in result.stderr


def test_missing_file_and_missing_out_are_input_errors(run, sample: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("variants", tmp_path / "nope.yaml", "--out", tmp_path / "out")
    assert result.exit_code == 2 and "nope.yaml does not exist" in result.stderr
    result = run("variants", sample)
    assert result.exit_code == 2 and "--out: required" in result.stderr
    result = run("variants", sample, "--out", "-")
    assert result.exit_code == 2 and "--out -: variants writes several files" in result.stderr


# ---- --check ----


@pytest.fixture
def generated(run, sample: Path, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    assert run("variants", sample, "--out", out).exit_code == 0
    return out


def test_check_clean_gives_0(run, sample: Path, generated: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("variants", sample, "--out", generated, "--check")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "3 variants, 7 files up to date, 0 drifted" in result.stderr


def test_check_tampered_file_gives_1_with_the_key(run, sample: Path, generated: Path) -> None:  # type: ignore[no-untyped-def]
    target = generated / "com.contoso.jamfconnect.sales.login.mobileconfig"
    profile = plistlib.loads(target.read_bytes())
    prefs = profile["PayloadContent"][0]["PayloadContent"]["com.jamf.connect.login"]["Forced"][0]["mcx_preference_settings"]
    prefs["LocalFallback"] = False
    prefs["DenyLocal"] = True
    target.write_bytes(plistlib.dumps(profile, fmt=plistlib.FMT_BINARY))  # another encoding too
    before = files_of(generated)
    result = run("variants", sample, "--out", generated, "--check")
    assert result.exit_code == 1
    assert f"changed: {target}" in result.stdout
    assert "  ~ login.LocalFallback: false -> true" in result.stdout
    assert "  - login.DenyLocal" in result.stdout
    assert files_of(generated) == before  # --check writes nothing


def test_check_same_settings_other_bytes_still_drift(run, sample: Path, generated: Path) -> None:  # type: ignore[no-untyped-def]
    target = generated / "com.contoso.jamfconnect.sales.menubar.mobileconfig"
    target.write_bytes(target.read_bytes().replace(b"\t", b"  "))  # re-indented, same data
    result = run("variants", sample, "--out", generated, "--check")
    assert result.exit_code == 1
    assert "same settings, different bytes" in result.stdout


def test_check_deleted_file_gives_1(run, sample: Path, generated: Path) -> None:  # type: ignore[no-untyped-def]
    target = generated / "com.contoso.jamfconnect.engineering.menubar.mobileconfig"
    target.unlink()
    result = run("variants", sample, "--out", generated, "--check")
    assert result.exit_code == 1
    assert f"missing: {target}" in result.stdout
    assert not target.exists()


def test_check_extra_file_gives_1(run, sample: Path, generated: Path) -> None:  # type: ignore[no-untyped-def]
    (generated / "com.contoso.jamfconnect.legal.login.mobileconfig").write_bytes(b"old")
    result = run("variants", sample, "--out", generated, "--check")
    assert result.exit_code == 1
    assert "extra: " in result.stdout and "legal.login.mobileconfig" in result.stdout


def test_check_changed_manifest_and_missing_dir(run, sample: Path, generated: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    manifest = json.loads((generated / "manifest.json").read_text())
    manifest["variants"][1]["files"][0]["sha256"] = "0" * 64
    (generated / "manifest.json").write_text(json.dumps(manifest))
    result = run("variants", sample, "--out", generated, "--check")
    assert result.exit_code == 1 and "~ variants.sales: files differ" in result.stdout
    empty = tmp_path / "never"
    result = run("variants", sample, "--out", empty, "--check")
    assert result.exit_code == 1 and "missing: " in result.stdout and not empty.exists()


def test_check_with_a_bad_variant_gives_2(run, write_config, base_config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = base_config()
    data["variants"][0]["login"] = {"Nope": True}
    result = run("variants", write_config(data), "--out", tmp_path, "--check", "--keep-going")
    assert result.exit_code == 2
    assert "variants[0] (Engineering): login.Nope" in result.stderr


def test_keep_going_with_every_variant_failing_writes_nothing(run, write_config, base_config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = base_config(login={"LoginWindowMessage": "{{ nope }}"})
    out = tmp_path / "out"
    result = run("variants", write_config(data), "--out", out, "--keep-going")
    assert result.exit_code == 2
    assert result.stderr.count("login.LoginWindowMessage: 'nope' is undefined") == 3
    assert "all 3 variants failed; nothing written" in result.stderr
    assert not out.exists()


def test_many_variants_summary_and_progress(run, write_config, base_config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import sys

    from profilegen.cli.variants import _progress

    data = base_config(variants=[{"name": f"Site {i}"} for i in range(25)])
    result = run("variants", write_config(data), "--out", tmp_path / "out", "--component", "login")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == "25 variants, 26 files written, 0 unchanged"
    # The bar is for a person at a terminal with a long run only.
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with _progress(20) as tick:
        assert tick is None
    with _progress(25) as tick:
        assert tick is not None
        for _ in range(25):
            tick(None)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    with _progress(1000) as tick:
        assert tick is None


def test_sample_is_clean_under_validate(run, sample: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    for args in ((), ("--payload-style", "direct"), ("--format", "plist")):
        result = run("variants", sample, "--out", out, "--force", *args)
        assert result.exit_code == 0, result.output
        assert "warning" not in result.stderr
    result = run("validate", out)
    assert result.exit_code == 0, result.output


def test_core_modules_never_print_exit_or_import_the_cli() -> None:
    import profilegen

    root = Path(profilegen.__file__).parent
    for name in ("variants/pipeline.py", "variants/manifest.py", "variants/templating/__init__.py", "variants/templating/budget.py", "variants/diff.py"):
        text = (root / name).read_text(encoding="utf-8")
        for banned in ("import typer", "import rich", "from rich", "print(", "sys.exit", "SystemExit", "profilegen.cli"):
            assert banned not in text, f"{name}: {banned}"
