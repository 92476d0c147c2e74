"""validate.pipeline edge cases the mutation run found untested (issue 23): findings of a value
the renderer parsed back, the cross-file pair when its counts do not allow a comparison, and a
pair file that changed on disk between the check and the comparison."""

from __future__ import annotations

import plistlib
from pathlib import Path

from profilegen.rules.findings import Severity
import pytest

from profilegen.core import pool
from profilegen.validate.pipeline import FileResult, Pair, _settings_of, check_files, check_value, expand, iter_results, validate_paths
from tests.cases.make_cases import LOGIN, MENUBAR, login

T2 = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
BAR_T2 = {"IdPSettings": {**MENUBAR["IdPSettings"], "TenantID": T2}}


def write(path: Path, value: object) -> str:
    path.write_bytes(plistlib.dumps(value))
    return str(path)


def test_check_value_reports_every_layer_after_the_xml() -> None:
    # generate and variants validate what they rendered through check_value: its findings are
    # the catalog's, the Entra rules' and the security rules', without lines (no XML was read).
    found = check_value(login(OIDCTenant=None, OIDCRedirectURI="HTTP://x"), "a.plist", domain="login")
    assert [(f.code, f.severity, f.key, f.line) for f in found] == [
        ("PG401", Severity.WARNING, "OIDCTenant", None),
        ("PG420", Severity.INFO, "OIDCScopes", None),
        ("PG503", Severity.ERROR, "OIDCRedirectURI", None),
    ]
    assert found[2].message == "uses http://; change it to https://"


def pair_files(tmp_path: Path) -> tuple[list[FileResult], Pair, str, str]:
    a = write(tmp_path / "a.login.plist", LOGIN)
    b = write(tmp_path / "b.menubar.plist", BAR_T2)
    results, pair = check_files([a, b], None, None, None)
    return results, pair, a, b


def codes(results: list[FileResult]) -> list[list[str]]:
    return [[f.code for f in r.findings] for r in results]


def test_pair_report_compares_one_login_and_one_menu_bar_in_two_files(tmp_path: Path) -> None:
    results, pair, a, _ = pair_files(tmp_path)
    before = codes(results)
    pair.report(results, domain=None, stdin=None, trust=None)
    assert codes(results) == [before[0], [*before[1], "PG406"]]
    assert results[1].findings[-1].message.endswith(f" (login window: {a})")


def test_pair_report_compares_nothing_unless_the_counts_are_one_and_one(tmp_path: Path) -> None:
    # Pair.report is also reached with counts merged from workers: two login windows (or two
    # menu bars) are no pair, whatever the first of each is.
    for counts in ({"logins": 2}, {"menubars": 2}, {"owners": 1}, {"logins": 0}, {"menubars": 0}):
        results, pair, _, _ = pair_files(tmp_path)
        before = codes(results)
        for name, value in counts.items():
            setattr(pair, name, value)
        if counts.get("logins") == 0:
            pair.login = None
        if counts.get("menubars") == 0:
            pair.menubar = None
        pair.report(results, domain=None, stdin=None, trust=None)
        assert codes(results) == before, counts


def test_a_pair_file_changed_on_disk_is_not_compared(tmp_path: Path) -> None:
    # Checked as one login window and one menu bar, then rewritten before the comparison reads
    # them again: with no login window, or two menu bars, there is nothing to compare.
    results, pair, a, b = pair_files(tmp_path)
    before = codes(results)
    write(Path(a), {"PayloadContent": []})
    pair.report(results, domain=None, stdin=None, trust=None)
    assert codes(results) == before
    assert _settings_of(a, "login", None, None, None) is None
    mcx = {"PayloadType": "Configuration", "PayloadVersion": 1, "PayloadIdentifier": "x", "PayloadUUID": "11111111-2222-4333-8444-000000000009",
           "PayloadDisplayName": "x",
           "PayloadContent": [
               {"PayloadType": "com.jamf.connect", "PayloadVersion": 1, "PayloadIdentifier": f"x.{n}",
                "PayloadUUID": f"11111111-2222-4333-8444-00000000000{n}", **BAR_T2} for n in (1, 2)]}
    write(Path(b), mcx)
    assert _settings_of(b, "menubar", None, None, None) is None
    # The login window as it was, the menu bar file now with two menu bars: still no pair.
    results, pair, a, b = pair_files(tmp_path)
    before = codes(results)
    write(Path(b), mcx)
    pair.report(results, domain=None, stdin=None, trust=None)
    assert codes(results) == before
    assert _settings_of(str(tmp_path / "gone.plist"), "menubar", None, None, None) is None


def test_the_pair_in_a_run_of_two_files_is_the_same_either_way(tmp_path: Path) -> None:
    a = write(tmp_path / "a.login.plist", LOGIN)
    b = write(tmp_path / "b.menubar.plist", BAR_T2)
    assert [c for r in validate_paths([a, b]) for c in [f.code for f in r.findings] if c == "PG406"] == ["PG406"]
    assert [c for r in validate_paths([a, a]) for c in [f.code for f in r.findings] if c == "PG406"] == []


@pytest.mark.parametrize("kind", ["login", "menubar"])
def test_results_stream_once_no_single_pair_is_possible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    # A second login window (or menu bar) ends any chance of a pair: the results held so far
    # are given out then, before the next file is read (memory stays flat on a large run).
    monkeypatch.setattr(pool, "SERIAL_CHUNK", 1)
    value = LOGIN if kind == "login" else MENUBAR
    a = write(tmp_path / "a.plist", value)
    b = write(tmp_path / "b.plist", value)
    c = write(tmp_path / "c.plist", MENUBAR if kind == "login" else LOGIN)
    stream = iter_results([a, b, c], jobs=1)
    first = next(stream)
    assert first.path == a
    Path(c).unlink()  # not read yet
    rest = list(stream)
    assert [r.path for r in rest] == [b, c]
    assert [(f.code, f.message) for f in rest[1].findings] == [("PG106", "cannot read the file: No such file or directory")]


def test_the_line_map_is_built_only_when_a_finding_about_a_key_needs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # A clean file is parsed once (the fast path keeps no line map); a finding about a key
    # builds the map then, once; the careful path has its map already.
    from profilegen.validate import pipeline

    built: list[str] = []
    real = pipeline.with_lines

    def counting(doc, data):  # type: ignore[no-untyped-def]
        built.append(doc.name)
        return real(doc, data)

    monkeypatch.setattr(pipeline, "with_lines", counting)
    clean = pipeline.check_bytes(plistlib.dumps(MENUBAR), "clean.plist")
    assert [(f.code, f.key, f.line) for f in clean.findings] == [("PG110", None, None)]
    assert built == [] and clean.document is not None and clean.document.lines is None
    keyed = pipeline.check_bytes(plistlib.dumps(LOGIN), "keyed.plist")
    assert [(f.code, f.key, f.line) for f in keyed.findings] == [("PG110", None, None), ("PG420", "OIDCScopes", 13)]
    assert built == ["keyed.plist"]
    careful = pipeline.check_bytes(plistlib.dumps(LOGIN), "careful.plist", careful=True)
    assert [(f.code, f.key, f.line) for f in careful.findings] == [("PG110", None, None), ("PG420", "OIDCScopes", 13)]
    assert built == ["keyed.plist"]


def test_version_findings_build_the_line_map_only_for_a_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    from profilegen.catalog.versions import parse_targets
    from profilegen.profile.read import read_document
    from profilegen.validate import pipeline

    built: list[str] = []
    real = pipeline.with_lines

    def counting(doc, data):  # type: ignore[no-untyped-def]
        built.append(doc.name)
        return real(doc, data)

    monkeypatch.setattr(pipeline, "with_lines", counting)
    targets = parse_targets("2.0")
    bar = plistlib.dumps(MENUBAR)
    doc, _ = read_document(bar, "bar.plist")
    assert doc is not None and doc.fast and doc.lines is None
    assert pipeline.version_findings(doc, bar, targets) == [] and built == []
    data = plistlib.dumps(LOGIN)
    fast, _ = read_document(data, "fast.plist")
    assert fast is not None and fast.fast and fast.lines is None
    found = pipeline.version_findings(fast, data, targets)
    assert [(f.code, f.key, f.line) for f in found] == [("PG310", "ROPGScopes", 17)] and built == ["fast.plist"]
    careful, _ = read_document(data, "careful.plist", careful=True)
    assert careful is not None and careful.lines is not None
    found = pipeline.version_findings(careful, data, targets)
    assert [(f.code, f.key, f.line) for f in found] == [("PG310", "ROPGScopes", 17)] and built == ["fast.plist"]


def test_a_dictionary_changed_between_two_checks_is_checked_as_it_is_now() -> None:
    # The security rules share one walk of the settings per check; it must not outlive the
    # check (generate and variants check values they built, and may build on them again).
    value = login()
    assert not [f.code for f in check_value(value, "a.plist", domain="login") if f.code.startswith("PG5")]
    value["OIDCRedirectURI"] = "http://127.0.0.1/jamfconnect"
    assert [(f.code, f.key) for f in check_value(value, "a.plist", domain="login") if f.code.startswith("PG5")] == [
        ("PG503", "OIDCRedirectURI")]


def test_a_folder_named_like_a_profile_is_not_a_file(tmp_path: Path) -> None:
    (tmp_path / "d" / "old.mobileconfig").mkdir(parents=True)
    (tmp_path / "d" / "a.plist").write_bytes(plistlib.dumps(LOGIN))
    assert expand([str(tmp_path / "d")]) == [str(tmp_path / "d" / "a.plist")]


def test_a_pair_of_two_profiles_compares_their_settings(tmp_path: Path) -> None:
    # In .mobileconfig files the settings sit inside the envelope: the pair rules get them, not
    # the whole profile.
    from tests.cases.make_cases import profile

    a = write(tmp_path / "a.mobileconfig", profile("com.jamf.connect.login", LOGIN, ident="com.example.a"))
    b = write(tmp_path / "b.mobileconfig", profile("com.jamf.connect", BAR_T2, ident="com.example.b"))
    results = validate_paths([a, b])
    assert [f.code for f in results[1].findings if f.code == "PG406"] == ["PG406"]
    assert [f.code for f in results[0].findings if f.code == "PG406"] == []
