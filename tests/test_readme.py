"""The README's claims hold: the rule table is generated from the registry, and what the README
says generate does is what it does."""

import json

import pytest

from profilegen.cli import app
from profilegen.rules import load_all
from profilegen.validate.report import rules_markdown
from tests.conftest import ROOT
from tests.helpers import BASE_ARGS, SCOPE, TENANT


def test_readme_rule_table_is_current():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("<!-- rules:start -->\n") + len("<!-- rules:start -->\n")
    end = text.index("<!-- rules:end -->")
    assert text[start:end] == rules_markdown(list(load_all().values())), "run: python tools/update_readme_rules.py"


def _tenant_row() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return next(line for line in text.splitlines() if line.startswith("| `--tenant` |"))


# QA1 item 8: the --tenant row says what generate does with each multi-tenant authority.
@pytest.mark.parametrize(("tenant", "exit_code"), [("organizations", 0), ("common", 2), ("consumers", 2),
                                                    ("9188040d-6c67-4c5b-b112-36a304b66dad", 2)])
def test_readme_tenant_row_matches_generate(runner, tmp_path, tenant, exit_code):
    row = _tenant_row()
    args = [a if a != TENANT else tenant for a in BASE_ARGS]
    result = runner.invoke(app, [*args, "--component", "login", "--out", str(tmp_path / "out")])
    assert result.exit_code == exit_code, result.output
    if exit_code == 0:
        assert "`organizations` is accepted with a warning" in row and "GUID" in result.stderr
    else:
        assert "refused" in row and (f"`{tenant}`" in row or "its GUID" in row)


# QA1 item 12: "generate's output validates with zero findings" apart from the design info, and
# PG404 exactly when --ropg-client-id names another app, as the README says.
@pytest.mark.parametrize(("extra", "expected"), [
    ((), {"PG420"}),
    (("--custom-scope", SCOPE), {"PG420"}),
    (("--custom-scope", SCOPE, "--ropg-client-id", "3f0c6a1e-5b7d-4c19-9e3a-7d1b2c3e4f51"), {"PG420", "PG404"}),
])
def test_readme_generate_claim_holds(runner, tmp_path, extra, expected):
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "`--ropg-client-id` with another app than `--client-id` gets PG404's warning" in text
    out = tmp_path / "out"
    assert runner.invoke(app, [*BASE_ARGS, *extra, "--out", str(out)]).exit_code == 0
    result = runner.invoke(app, ["validate", "--format", "json", str(out)])
    found = {f["code"] for file in json.loads(result.stdout)["files"] for f in file["findings"]}
    assert found == expected
