"""The README's rule table is generated from the registry; keep them equal."""

from profilegen.report import rules_markdown
from profilegen.rules import load_all
from tests.conftest import ROOT


def test_readme_rule_table_is_current():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("<!-- rules:start -->\n") + len("<!-- rules:start -->\n")
    end = text.index("<!-- rules:end -->")
    assert text[start:end] == rules_markdown(list(load_all().values())), "run: python tools/update_readme_rules.py"
