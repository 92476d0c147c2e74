"""Rewrite the rule table in docs/validate.md from the rule registry (tests/test_readme.py checks it)."""

from pathlib import Path

from profilegen.rules import load_all
from profilegen.validate.report import rules_markdown

START, END = "<!-- rules:start -->\n", "<!-- rules:end -->"
page = Path(__file__).resolve().parents[1] / "docs" / "validate.md"
text = page.read_text(encoding="utf-8")
a, b = text.index(START) + len(START), text.index(END)
page.write_text(text[:a] + rules_markdown(list(load_all().values())) + text[b:], encoding="utf-8")
