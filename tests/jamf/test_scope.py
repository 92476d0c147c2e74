"""Scope: Jamf Pro replaces the whole <scope> of a PUT, so push sends every category back.

The fake models the replacement (tests/jamf/fake.py cites the 2026 crud.go of
Jamf-Concepts/terraform-provider-jamfplatform); these tests set categories "in the web page"
(directly in the fake) and check that a push changing one category keeps every other.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.entra.conftest import run_cli

from .conftest import LOGIN_ARGS, LOGIN_NAME, jamf, pulled_scope
from .fake import FakeJamf

ARGS, NAME = LOGIN_ARGS, LOGIN_NAME


def _web_page(fake: FakeJamf) -> None:
    """What an admin set in Jamf Pro's web page: a building target, a limitation and exclusions."""
    p = fake.profiles[1]
    fake.set_scope(p, "buildings", ["HQ"])
    fake.set_scope(p, "limitations.network_segments", ["Lab LAN"])
    fake.set_scope(p, "exclusions.computer_groups", ["Kiosk Macs"])
    fake.set_scope(p, "exclusions.computers", ["Kiosk-01"])
    fake.set_scope(p, "exclusions.users", ["alice"])
    fake.set_scope(p, "exclusions.jss_user_groups", ["Staff"])


def _puts(fake: FakeJamf) -> list[bytes]:
    return [b for (m, _), b in zip(fake.requests, fake.bodies) if m == "PUT"]


def test_exclusions_set_in_the_web_page_survive_a_group_change(fake_jamf: FakeJamf, login: Path) -> None:
    assert jamf(fake_jamf, "push", str(login), "--scope-group", "Sales Macs").exit_code == 0
    _web_page(fake_jamf)
    before = dict(fake_jamf.profiles[1].scope)

    dry = jamf(fake_jamf, "push", str(login), "--scope-group", "All Staff", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert dry.stdout == (f"would update {NAME} (id 1): 2 keys\n"
                          '  - scope.computer_groups = "Sales Macs"\n'
                          '  + scope.computer_groups = "All Staff"\n')
    assert not _puts(fake_jamf)

    result = jamf(fake_jamf, "push", str(login), "--scope-group", "All Staff")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"updated {NAME} (id 1): 2 keys\n"
    after = fake_jamf.profiles[1].scope
    assert after["computer_groups"] == [{"id": 1, "name": "All Staff"}]
    assert {k: v for k, v in after.items() if k != "computer_groups"} == {
        k: v for k, v in before.items() if k != "computer_groups"}
    assert after["exclusions.computer_groups"] == [{"id": 4, "name": "Kiosk Macs"}]
    # Every category travels, empty ones too: what is sent is the whole scope, stated.
    [put] = _puts(fake_jamf)
    assert b"<exclusions><computers><computer><id>1</id></computer></computers>" in put
    assert b"<limitations><users></users><user_groups></user_groups><network_segments>" in put


def test_exclude_group_option(fake_jamf: FakeJamf, login: Path) -> None:
    assert jamf(fake_jamf, "push", str(login), "--scope-group", "All Staff", "--exclude-group", "Kiosk Macs").exit_code == 0
    assert fake_jamf.profiles[1].scope["exclusions.computer_groups"] == [{"id": 4, "name": "Kiosk Macs"}]
    _web_page(fake_jamf)
    fake_jamf.set_scope(fake_jamf.profiles[1], "exclusions.computer_groups", ["Kiosk Macs"])
    dry = jamf(fake_jamf, "push", str(login), "--exclude-group", "Kiosk Macs", "--exclude-group", "Sales Macs", "--dry-run")
    assert dry.stdout == f'would update {NAME} (id 1): 1 key\n  + scope.exclusions.computer_groups = "Sales Macs"\n'
    assert jamf(fake_jamf, "push", str(login), "--exclude-group", "Sales Macs").exit_code == 0
    scope = fake_jamf.profiles[1].scope
    assert scope["exclusions.computer_groups"] == [{"id": 5, "name": "Sales Macs"}]
    assert scope["computer_groups"] == [{"id": 1, "name": "All Staff"}] and scope["exclusions.users"] == [{"id": 1, "name": "alice"}]
    typo = jamf(fake_jamf, "push", str(login), "--exclude-group", "Kiosk Mac")
    assert typo.exit_code == 2 and typo.stderr == ("profilegen: exclude group 'Kiosk Mac': Jamf Pro has no such computer group; did you mean "
                                          "Kiosk Macs?\nprofilegen: nothing was sent to Jamf Pro\n")


def test_no_scope_option_sends_no_scope(fake_jamf: FakeJamf, login: Path, tmp_path: Path) -> None:
    assert jamf(fake_jamf, "push", str(login)).exit_code == 0
    _web_page(fake_jamf)
    result = jamf(fake_jamf, "push", str(login), "--description", "new text")
    assert result.stdout == f"updated {NAME} (id 1): 1 key\n"
    [put] = _puts(fake_jamf)
    assert b"<scope>" not in put and fake_jamf.profiles[1].scope["exclusions.computers"]


def test_a_category_lost_on_write_is_a_failure(fake_jamf: FakeJamf, login: Path) -> None:
    """The read-back compares every category: a server that empties one is caught, not trusted."""
    assert jamf(fake_jamf, "push", str(login)).exit_code == 0
    _web_page(fake_jamf)
    fake_jamf.drop_on_write = {"exclusions.computer_groups"}
    result = jamf(fake_jamf, "push", str(login), "--scope-group", "All Staff")
    assert result.exit_code == 1
    assert result.stdout == f'failed {NAME} (id 1)\n  - scope.exclusions.computer_groups = "Kiosk Macs"\n'
    assert (f"profilegen: '{NAME}' (id 1): updated, but Jamf Pro stored 1 key(s) differently: "
            "scope.exclusions.computer_groups") in result.stderr


@pytest.mark.parametrize(("scope", "problem"), [
    ({"exclusions": {"computer_groups": "Kiosk Macs"}}, "scope.exclusions.computer_groups is not a list"),
    ({"exclusions": "none"}, "scope.exclusions is not an object"),
    ({"computer_groups": [{"id": True}]}, "scope.computer_groups: an entry's id is not a whole number"),
    ({"all_computers": "false"}, "scope.all_computers is not true or false"),
    ({"exclusions": {"mobile_devices": [{"id": 1}]}}, "scope.exclusions.mobile_devices is a category profilegen does "
     "not know; sending the scope back would empty it: change this profile's scope in Jamf Pro"),
])
def test_unreadable_live_scope_writes_nothing(fake_jamf: FakeJamf, login: Path, scope: dict[str, object],
                                              problem: str) -> None:
    """Read as empty and sent back, an unreadable category would be deleted: exit 3 instead."""
    assert jamf(fake_jamf, "push", str(login)).exit_code == 0
    fake_jamf.answers["scope"] = scope
    result = jamf(fake_jamf, "push", str(login), "--scope-group", "All Staff")
    assert result.exit_code == 3 and not _puts(fake_jamf)
    assert result.stderr == f"profilegen: Jamf Pro: profile id 1: {problem}; is this Jamf Pro?\n"


def test_pull_records_the_whole_scope(fake_jamf: FakeJamf, login: Path, tmp_path: Path) -> None:
    assert jamf(fake_jamf, "push", str(login), "--scope-group", "Sales Macs").exit_code == 0
    _web_page(fake_jamf)
    assert jamf(fake_jamf, "pull", "--out", str(tmp_path / "pulled")).exit_code == 0
    [entry] = json.loads((tmp_path / "pulled" / "jamf.json").read_text())["profiles"]
    assert entry["scope"] == pulled_scope(computer_groups=["Sales Macs"], buildings=["HQ"],
                                          limitations__network_segments=["Lab LAN"],
                                          exclusions__computer_groups=["Kiosk Macs"], exclusions__computers=["Kiosk-01"],
                                          exclusions__users=["alice"], exclusions__jss_user_groups=["Staff"])


def test_docs_examples_are_what_push_and_pull_print(fake_jamf: FakeJamf, login: Path, tmp_path: Path) -> None:
    """docs/jamf-pro.md: the dry-run block and jamf.json's scope, produced against the fake."""
    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "jamf-pro.md").read_text(encoding="utf-8")
    dry_doc = doc.split("### The whole scope is kept", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    assert jamf(fake_jamf, "push", str(login), "--scope-group", "Sales Macs").exit_code == 0
    dry = jamf(fake_jamf, "push", str(login), "--scope-group", "All Staff", "--dry-run")
    assert dry.stdout == dry_doc
    fake_jamf.set_scope(fake_jamf.profiles[1], "exclusions.computers", ["Kiosk-01"])
    fake_jamf.set_scope(fake_jamf.profiles[1], "exclusions.computer_groups", ["Kiosk Macs"])
    assert jamf(fake_jamf, "pull", "--out", str(tmp_path / "pulled")).exit_code == 0
    [entry] = json.loads((tmp_path / "pulled" / "jamf.json").read_text())["profiles"]
    json_doc = doc.split("## pull", 1)[1].split("```json\n", 1)[1].split("```", 1)[0]
    assert entry["scope"] == json.loads(json_doc)["profiles"][0]["scope"]


def test_duplicate_computer_names_are_counted(fake_jamf: FakeJamf, login: Path) -> None:
    """Computer names are not unique in Jamf Pro: one of two "Lab-07" lost on write shows."""
    assert jamf(fake_jamf, "push", str(login)).exit_code == 0
    fake_jamf.directory["computer"][3] = "Lab-07"
    p = fake_jamf.profiles[1]
    p.scope["exclusions.computers"] = [{"id": 2, "name": "Lab-07"}, {"id": 3, "name": "Lab-07"}]
    fake_jamf.answers["drop_last"] = "exclusions.computers"
    result = jamf(fake_jamf, "push", str(login), "--scope-group", "All Staff")
    assert result.exit_code == 1
    assert result.stdout == f'failed {NAME} (id 1)\n  - scope.exclusions.computers = "Lab-07"\n'


def test_a_group_both_scoped_and_excluded_is_refused(fake_jamf: FakeJamf, login: Path) -> None:
    result = jamf(fake_jamf, "push", str(login), "--scope-group", "Sales Macs", "--exclude-group", "sales macs")
    assert result.exit_code == 2 and not fake_jamf.requests
    assert result.stderr.splitlines() == [
        f"profilegen: {login}: computer group 'sales macs' is both a scope group and an exclude group; an exclusion "
        "wins in Jamf Pro, so it would reach no Mac: name it once", "profilegen: nothing was sent to Jamf Pro"]


def test_json_names_the_scope_members(fake_jamf: FakeJamf, login: Path) -> None:
    assert jamf(fake_jamf, "push", str(login), "--scope-group", "Sales Macs").exit_code == 0
    result = jamf(fake_jamf, "push", str(login), "--scope-group", "All Staff", "--all-computers", "--dry-run",
                  "--format", "json")
    [entry] = json.loads(result.stdout)["profiles"]
    assert entry["changes"] == [
        {"key": "scope.all_computers", "change": "changed", "value": True},
        {"key": "scope.computer_groups", "change": "removed", "member": "Sales Macs"},
        {"key": "scope.computer_groups", "change": "added", "member": "All Staff"}]


def test_manifest_exclude_groups(fake_jamf: FakeJamf, tmp_path: Path) -> None:
    import yaml

    from .test_variants_pull import SAMPLES, variants

    data = yaml.safe_load((SAMPLES / "departments.yaml").read_text())
    data["jamf"]["exclude_groups"] = ["Kiosk Macs"]
    source = tmp_path / "excl.yaml"
    source.write_text(yaml.safe_dump(data))
    manifest = variants(tmp_path, source)
    assert json.loads(manifest.read_text())["variants"][0]["jamf"]["exclude_groups"] == ["Kiosk Macs"]
    result = jamf(fake_jamf, "push", str(manifest))
    assert result.exit_code == 0, result.stderr
    assert all(p.scope["exclusions.computer_groups"] == [{"id": 4, "name": "Kiosk Macs"}] for p in fake_jamf.profiles.values())
    assert len(fake_jamf.profiles) == 6
