"""azure ca-check on files: the policy corpus (expected verdicts per design), input shapes, bad input,
terminal safety, exit codes, the profile side.

tests/entra/ca_corpus/ holds policies written by us in the shape Graph's list response uses
(https://learn.microsoft.com/en-us/graph/api/resources/conditionalaccesspolicy); ca_expected.json
says, per file, the verdicts for (login, ropg, menubar_ropg) under designs A, B and D.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profilegen.entra import ca
from profilegen.entra.capolicies import read_policies
from profilegen.entra.casetup import build_setup
from tests.entra.conftest import run_cli
from tests.helpers import API, BASE_ARGS, CLIENT

HERE = Path(__file__).parent
CORPUS = HERE / "ca_corpus"
EXPECTED: dict[str, dict[str, Any]] = json.loads((HERE / "ca_expected.json").read_text(encoding="utf-8"))
DESIGN_ARGS = ["--client-id", CLIENT, "--api-app-id", API]


def setup_for(design: str, baseline: str = "enforced") -> ca.Setup:
    return build_setup(login=None, menubar=None, where="-", design_letter=design, client_id=CLIENT, ropg_client_id=None,
                       api_app_id=API, baseline=baseline)  # type: ignore[arg-type]


def test_corpus_and_expectations_match_one_to_one() -> None:
    files = {p.stem for p in CORPUS.glob("*.json")}
    assert files == set(EXPECTED)
    assert len(files) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_verdicts_per_design(name: str) -> None:
    expected = EXPECTED[name]
    (policy,) = read_policies(CORPUS / f"{name}.json")
    for design in "ABD":
        result = ca.evaluate(policy, setup_for(design, expected["baseline"]))
        got = [result.verdicts[k].verdict for k in ca.SIGNIN_KEYS]
        assert got == expected[design], f"{name}, design {design}: {[(k, v.why) for k, v in result.verdicts.items()]}"
        for verdict in result.verdicts.values():
            assert verdict.why, f"{name}: every verdict says why"
            if result.problems(setup_for(design).design):
                assert any(v.fix for _, v in result.problems(setup_for(design).design)) or design == "D"


@pytest.mark.parametrize(("name", "letter"), [("scoped-policy", "A"), ("excluded-api", "B"), ("no-custom-scope", "D")])
def test_design_names_are_generates_and_mean_their_letters(name: str, letter: str) -> None:
    """One vocabulary (docs/cli.md): the names generate and blueprint take work here too."""
    by_name = run_cli(["azure", "ca-check", "--policies", str(CORPUS), "--ca-design", name, *DESIGN_ARGS, "--format", "json"])
    by_letter = run_cli(["azure", "ca-check", "--policies", str(CORPUS), "--ca-design", letter, *DESIGN_ARGS, "--format", "json"])
    assert (by_name.exit_code, by_name.stdout, by_name.stderr) == (by_letter.exit_code, by_letter.stdout, by_letter.stderr)
    assert json.loads(by_name.stdout)["design"] == letter


@pytest.mark.parametrize("design", ["A", "B", "D"])
def test_the_cli_reads_the_corpus_directory(design: str) -> None:
    done = run_cli(["azure", "ca-check", "--policies", str(CORPUS), "--ca-design", design, *DESIGN_ARGS, "--format", "json"])
    assert done.exit_code == 1, done.stderr  # the corpus holds block policies: it fits no design
    doc = json.loads(done.stdout)
    assert set(doc) >= {"design", "signins", "policies", "fits"} and doc["design"] == design and doc["fits"] is False
    assert [s["name"] for s in doc["signins"]] == ["login", "ropg", "menubar_ropg"]
    enforced = {n: e for n, e in EXPECTED.items() if e["baseline"] == "enforced"}
    by_name = {p["displayName"]: p for p in doc["policies"]}
    assert len(doc["policies"]) == len(EXPECTED)
    for name, expected in enforced.items():
        data = json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))
        policy = by_name[data["displayName"]]
        assert set(policy) >= {"id", "displayName", "state", "verdicts", "why", "fix"}
        assert policy["id"] == data["id"]
        assert [policy["verdicts"][k] for k in ca.SIGNIN_KEYS] == expected[design], name


def page(policies: list[dict[str, Any]], next_link: str | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies",
                           "value": policies}
    if next_link:
        doc["@odata.nextLink"] = next_link
    return doc


def corpus(*names: str) -> list[dict[str, Any]]:
    return [json.loads((CORPUS / f"{n}.json").read_text(encoding="utf-8")) for n in names]


TWO = ("05-api-app-mfa", "02-all-resources-mfa-exclude-api")


@pytest.mark.parametrize("shape", ["page", "pages-concatenated", "array", "array-of-pages", "json-lines"])
def test_every_input_shape_gives_the_same_policies(shape: str, tmp_path: Path) -> None:
    one, two = corpus(*TWO)
    text = {
        "page": json.dumps(page([one, two])),
        "pages-concatenated": json.dumps(page([one], "https://graph.microsoft.com/v1.0/next")) + "\n" + json.dumps(page([two])),
        "array": json.dumps([one, two]),
        "array-of-pages": json.dumps([page([one]), page([two])]),
        "json-lines": json.dumps(one) + "\n" + json.dumps(two) + "\n",
    }[shape]
    (tmp_path / "p.json").write_text(text, encoding="utf-8")
    assert [p.name for p in read_policies(tmp_path / "p.json")] == [one["displayName"], two["displayName"]]


def test_one_policy_object_and_stdin() -> None:
    (one,) = corpus("05-api-app-mfa")
    done = run_cli(["azure", "ca-check", "--policies", "-", "--ca-design", "A", *DESIGN_ARGS], input=json.dumps(one))
    assert done.exit_code == 0, done.stderr
    assert "MFA for Jamf Connect API" in done.stdout and "mfa-at-login" in done.stdout
    assert done.stdout.rstrip().endswith("fits design A: yes")


def test_design_b_tenant_fits_design_b_and_not_design_a(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(json.dumps(page(corpus("02-all-resources-mfa-exclude-api"))), encoding="utf-8")
    args = ["azure", "ca-check", "--policies", str(tmp_path / "p.json"), *DESIGN_ARGS]
    fits = run_cli([*args, "--ca-design", "B"])
    assert fits.exit_code == 0 and fits.stdout.rstrip().endswith("fits design B: yes"), fits.stdout
    wrong = run_cli([*args, "--ca-design", "A"])
    assert wrong.exit_code == 1
    assert "mfa-on-ropg for the ropg and menubar ropg sign-ins" in wrong.stdout
    assert "Fix: target the policy at the API app " + API in wrong.stdout
    # Design D accepts the 50076 entries: the same tenant fits it.
    assert run_cli([*args, "--ca-design", "D"]).exit_code == 0


def test_legacy_baseline_scopes_change_the_answer(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(json.dumps(corpus("02-all-resources-mfa-exclude-api")[0]), encoding="utf-8")
    args = ["azure", "ca-check", "--policies", str(tmp_path / "p.json"), "--ca-design", "A", *DESIGN_ARGS]
    assert run_cli(args).exit_code == 1
    assert run_cli([*args, "--baseline-scopes", "legacy"]).exit_code == 0


def test_report_only_alone_warns_and_strict_fails(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(json.dumps(corpus("12-report-only-all-mfa")[0]), encoding="utf-8")
    args = ["azure", "ca-check", "--policies", str(tmp_path / "p.json"), "--ca-design", "A", *DESIGN_ARGS]
    done = run_cli(args)
    assert done.exit_code == 0
    assert "profilegen: warning: report-only policies would contradict the design once enabled (exit 1 with --strict)" in done.stderr
    assert "report-only, would be mfa-on-ropg for the ropg and menubar ropg sign-ins once enabled" in done.stdout
    assert run_cli([*args, "--strict"]).exit_code == 1


def test_display_names_with_control_and_bidi_characters_are_escaped() -> None:
    for fmt in ("text", "json"):
        done = run_cli(["azure", "ca-check", "--policies", str(CORPUS / "31-guests-only-bidi-name.json"), "--ca-design", "B",
                        *DESIGN_ARGS, "--format", fmt])
        for raw in ("\u202e", "\u202c", "\x1b", "\x07"):
            assert raw not in done.stdout and raw not in done.stderr
    text = run_cli(["azure", "ca-check", "--policies", str(CORPUS / "31-guests-only-bidi-name.json"), "--ca-design", "B", *DESIGN_ARGS])
    assert "Guests \\u202emfa\\u202c \\x1b]0;pwned\\x07 MFA" in text.stdout
    doc = json.loads(done.stdout)
    assert doc["policies"][0]["displayName"] == "Guests \u202emfa\u202c \x1b]0;pwned\x07 MFA"  # the value survives in JSON
    assert doc["policies"][0]["users"] == "guests or external users"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "p.json:1: not JSON (Expecting property name enclosed in double quotes)"),
        (b"[" * 5000 + b"]" * 5000, "p.json: JSON nested"),
        (b'{"value": [{"id": "x", "state": "enabled", "conditions": {}, "n": ' + b"9" * 5000 + b"}]}", "p.json:1: not JSON"),
        (b'{"displayName": "caf\xe9", "state": "enabled"}', "p.json: not UTF-8 text (byte 0xe9 at offset 20)"),
        (b'{"value": 3}', 'p.json: "value" is not a list'),
        (b'[{"id": "x"}]', "p.json[0]: not a Conditional Access policy (keys: 'id')"),
        (b"[42]", "p.json[0]: a policy must be a JSON object, found int"),
        (b'{"displayName": "X", "state": "enabled", "conditions": {"applications": {"includeApplications": "All"}}}',
         "p.json: policy 'X': conditions.applications.includeApplications must be a list of strings; fix the policy JSON"),
        (b'{"displayName": "X", "state": 1}', "p.json: state must be one of enabled, disabled, enabledForReportingButNotEnforced"),
        (b'{"displayName": "X", "state": "enabled", "grantControls": ["mfa"]}', "p.json: policy 'X': grantControls must be an object or null"),
    ],
)
def test_bad_policy_files_exit_2_with_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "p.json").write_bytes(content)
    done = run_cli(["azure", "ca-check", "--policies", str(tmp_path / "p.json"), "--ca-design", "D", "--client-id", CLIENT])
    assert done.exit_code == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert lines[0].startswith("profilegen: ") and str(tmp_path) in lines[0]


def test_missing_and_empty_inputs(tmp_path: Path) -> None:
    base = ["azure", "ca-check", "--ca-design", "D", "--client-id", CLIENT]
    done = run_cli([*base, "--policies", str(tmp_path / "nope.json")])
    assert done.exit_code == 2 and "does not exist" in done.stderr
    done = run_cli([*base, "--policies", str(tmp_path)])
    assert done.exit_code == 2 and "holds no *.json files" in done.stderr
    done = run_cli(base)
    assert done.exit_code == 2 and "--policies: required" in done.stderr
    done = run_cli(["azure", "ca-check", "--policies", str(CORPUS), "--ca-design", "A", "--client-id", CLIENT])
    assert done.exit_code == 2 and "--api-app-id: required with --ca-design A" in done.stderr
    done = run_cli(["azure", "ca-check", "--policies", str(CORPUS), "--client-id", CLIENT])
    assert done.exit_code == 2 and "--ca-design: required without a login window --profile" in done.stderr
    done = run_cli(["azure", "ca-check", "--policies", str(CORPUS), "--ca-design", "D", "--client-id", "not-a-guid\x1b[2J"])
    assert done.exit_code == 2 and "--client-id: 'not-a-guid\\x1b[2J' is not a client ID GUID" in done.stderr


@pytest.fixture(scope="module")
def profiles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """generate's own login window and menu bar profiles for designs A and B."""
    out: dict[str, Path] = {}
    for design in ("scoped-policy", "excluded-api"):
        folder = tmp_path_factory.mktemp(design)
        done = run_cli([*BASE_ARGS, "--custom-scope", f"api://{API}/jamfconnect", "--ca-design", design, "--out", str(folder)])
        assert done.exit_code == 0, done.stderr
        out[design] = folder
    return out


def test_the_profile_names_design_clients_and_api_app(profiles: dict[str, Path], tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(json.dumps(page(corpus(*TWO))), encoding="utf-8")
    for design, letter in (("scoped-policy", "A"), ("excluded-api", "B")):
        files = sorted(profiles[design].iterdir())
        args = [a for f in files for a in ("--profile", str(f))]
        done = run_cli(["azure", "ca-check", "--policies", str(tmp_path / "p.json"), *args, "--format", "json"])
        doc = json.loads(done.stdout)
        assert doc["design"] == letter, done.stderr
        assert {s["client_id"] for s in doc["signins"]} == {CLIENT}
        kinds = [s["resource"] for s in doc["signins"]]
        assert kinds == (["api", "baseline", "baseline"] if letter == "A" else ["baseline", "api", "api"])
        assert doc["signins"][0 if letter == "A" else 1]["api_app_id"] == API


def test_a_profile_that_is_not_a_profile(tmp_path: Path) -> None:
    (tmp_path / "x.mobileconfig").write_bytes(b"<plist><dict><key>a</key>")
    done = run_cli(["azure", "ca-check", "--policies", str(CORPUS), "--profile", str(tmp_path / "x.mobileconfig")])
    assert done.exit_code == 2 and done.stderr.count("\n") == 1 and "--profile: " in done.stderr


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
    | st.sampled_from(["All", "None", "mfa", "block", "enabled", API, "compliantDevice", "OR", "AND", "exclude"]),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(["id", "displayName", "state", "conditions", "applications", "users", "grantControls",
                                       "includeApplications", "excludeApplications", "builtInControls", "operator",
                                       "authenticationStrength", "allowedCombinations", "applicationFilter", "mode",
                                       "clientAppTypes", "platforms", "includePlatforms", "includeUsers", "value"]),
                      inner, max_size=5),
    max_leaves=25,
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=JSON, design=st.sampled_from(["A", "B", "D"]))
def test_fuzzed_policy_json_never_crashes(doc: Any, design: str) -> None:
    """What the command runs, in-process without the CLI around it (fast): bad input may only be an
    InputError (exit 2), which names the input in one line; anything else is a crash (exit 70)."""
    from profilegen.core.errors import InputError
    from profilegen.entra.capolicies import policies_from_text
    from profilegen.entra.careport import render_json, render_text

    try:
        found = policies_from_text(json.dumps(doc), "-")
    except InputError as exc:
        assert len(exc.problems) == 1 and exc.problems[0].startswith("-") and "\n" not in exc.problems[0]
        return
    outcome = ca.check(found, setup_for(design))
    assert outcome.exit_code(strict=True) in (0, 1)
    json.loads(render_json(outcome))
    assert render_text(outcome).endswith("\n")


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=JSON)
def test_fuzzed_policy_json_through_the_cli(doc: Any) -> None:
    done = run_cli(["azure", "ca-check", "--policies", "-", "--ca-design", "B", *DESIGN_ARGS], input=json.dumps(doc))
    assert done.exit_code in (0, 1, 2), done.stderr
    if done.exit_code == 2:
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("profilegen: ")


@pytest.mark.parametrize(("design", "letter"), [("scoped-policy", "A"), ("excluded-api", "B")])
def test_the_blueprint_checklist_names_the_same_rules(tmp_path: Path, design: str, letter: str) -> None:
    done = run_cli(["azure", "blueprint", "--ca-design", design, "--out", str(tmp_path)])
    assert done.exit_code == 0, done.stderr
    text = (tmp_path / "CHECKLIST.md").read_text(encoding="utf-8")
    assert f"**Windows Azure Active Directory** (`{ca.AZURE_AD_GRAPH}`)" in text
    assert "phishing-resistant" in text and "supports no security keys" in text
    assert "**Report-only** first" in text
    assert f"profilegen azure ca-check --graph --token-stdin --ca-design {letter} --client-id <OIDC app ID>" in text


def test_a_policy_twice_is_evaluated_once(tmp_path: Path) -> None:
    (one,) = corpus("05-api-app-mfa")
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "a.json").write_text(json.dumps(page([one])), encoding="utf-8")
    (tmp_path / "backup" / "b.json").write_text(json.dumps(one), encoding="utf-8")
    done = run_cli(["azure", "ca-check", "--policies", str(tmp_path / "backup"), "--ca-design", "A", *DESIGN_ARGS, "--format", "json"])
    assert done.exit_code == 0 and len(json.loads(done.stdout)["policies"]) == 1
    assert f"profilegen: note: policy id {one['id']} appears 2 times; evaluated once (the first)" in done.stderr


def test_lone_surrogates_in_a_display_name(tmp_path: Path) -> None:
    (one,) = corpus("05-api-app-mfa")
    text = json.dumps(one).replace("MFA for Jamf Connect API", "MFA \\ud800 API")
    (tmp_path / "p.json").write_text(text, encoding="utf-8")
    for fmt in ("text", "json"):
        done = run_cli(["azure", "ca-check", "--policies", str(tmp_path / "p.json"), "--ca-design", "A", *DESIGN_ARGS, "--format", fmt])
        assert done.exit_code == 0 and "MFA \\ud800 API" in done.stdout


def test_a_profile_for_another_identity_provider(tmp_path: Path) -> None:
    import plistlib

    (tmp_path / "okta.login.plist").write_bytes(plistlib.dumps({"OIDCProvider": "Okta", "OIDCClientID": CLIENT}))
    done = run_cli(["azure", "ca-check", "--policies", str(CORPUS), "--profile", str(tmp_path / "okta.login.plist")])
    assert done.exit_code == 2 and "OIDCProvider is 'Okta'; ca-check judges Entra ID Conditional Access" in done.stderr


def test_a_problem_line_says_whom_and_when_it_applies() -> None:
    done = run_cli(["azure", "ca-check", "--policies", str(CORPUS / "16-block-untrusted-locations.json"), "--ca-design", "D",
                    "--client-id", CLIENT])
    assert done.exit_code == 1
    (line,) = [x for x in done.stdout.splitlines() if x.startswith("- Block sign-ins outside trusted networks")]
    assert "applies to all users, only with locations: 1 included, 1 excluded (applies only from those networks))" in line
    assert ": blocks for the login, ropg and menubar ropg sign-ins: " in line
    assert line.endswith("Fix: exclude the Jamf Connect users from the block, or narrow its conditions.")
    groups = run_cli(["azure", "ca-check", "--policies", str(CORPUS / "32-groups-with-exclusion.json"), "--ca-design", "A",
                      *DESIGN_ARGS])
    assert "applies to 1 group except 1 group)" in groups.stdout


def test_empty_input_and_a_folder_that_loops(tmp_path: Path) -> None:
    base = ["azure", "ca-check", "--ca-design", "D", "--client-id", CLIENT]
    done = run_cli([*base, "--policies", "-"], input="")
    assert done.exit_code == 2 and "profilegen: <stdin>: empty; give Conditional Access policies" in done.stderr
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "loop.json").symlink_to(tmp_path / "backup")
    (tmp_path / "backup" / "p.json").write_text('{"value": []}', encoding="utf-8")
    done = run_cli([*base, "--policies", str(tmp_path / "backup")])
    assert done.exit_code == 0 and "(no policies)" in done.stdout
