"""The output budget of templates: the README's "a small multiple of its inputs", held for many
growth patterns, and refused at once (no huge string is ever built) when a template exceeds it."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profilegen.core.errors import InputError
from profilegen.variants.templating import render_value, template_context
from profilegen.variants.templating.budget import (
    MAX_VALUE_CHARS,
    MAX_VARIANT_CHARS,
    VALUE_FLOOR,
    VALUE_MULTIPLE,
    new_budget,
)

CHAIN = "{{ variant.vars.x | replace('a', variant.vars.big) | replace('A', variant.vars.big) }}"


def context(**variables: Any) -> dict[str, Any]:
    return template_context(name="Sales", slug="sales", variables=variables, organization="Contoso")


def input_chars(ctx: dict[str, Any], source: str) -> int:
    return new_budget(ctx).inputs + len(source)


def test_the_issue_example_is_refused_at_once_without_building_the_string() -> None:
    big = "aA" * 500  # 1,000 characters: each replace multiplies by 1,000
    ctx = context(x="aaaa", big=big)
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(InputError) as err:
        render_value({"LoginWindowMessage": CHAIN}, ctx, path="login")
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 0.5, elapsed
    assert peak < 2_000_000, peak  # the first replace alone would be 4 MB as UCS-1, the second 4 GB
    assert "login.LoginWindowMessage: the template would build" in str(err.value)


def test_the_issue_example_through_the_cli_names_variant_and_key(run, write_config, base_config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = base_config()
    data["login"]["LoginWindowMessage"] = CHAIN
    data["variants"] = [{"name": "Sales", "vars": {"x": "a" * 1000, "big": "aA" * 500}}, {"name": "HR", "vars": {"x": "hi", "big": "-"}}]
    out = tmp_path / "out"
    start = time.perf_counter()
    result = run("variants", write_config(data), "--out", out)
    assert time.perf_counter() - start < 3
    assert result.exit_code == 2
    assert "variants[0] (Sales): login.LoginWindowMessage: the template would build" in result.stderr
    assert "variants[1]" not in result.stderr
    assert not out.exists()
    # --keep-going writes HR and still exits 2
    result = run("variants", write_config(data), "--out", out, "--keep-going")
    assert result.exit_code == 2 and (out / "com.contoso.jamfconnect.hr.login.mobileconfig").exists()


# Growth patterns: each builds its output from x and big in a different way.
PATTERNS = [
    "{{ x | replace('a', big) }}",
    "{{ x | replace('a', big) | replace('b', big) }}",
    "{{ x | replace('', big) }}",
    "{{ big ~ big ~ big ~ big ~ big ~ big ~ big ~ big ~ big ~ big ~ big ~ big }}",
    "{{ big + big + big + big + big + big + big + big + big + big + big + big }}",
    "{{ [big, big, big, big, big, big, big, big, big, big] | join(big) }}",
    "{{ (x ~ big) | replace(x, big ~ big) | upper }}",
    "{{ x | replace('a', big) | urlencode }}" ,
    "{{ big }}{{ big }}{{ big }}{{ big }}{{ big }}{{ big }}{{ big }}{{ big }}{{ big }}{{ big }}{{ big }}",
    "{% if x %}{{ x | replace('a', big ~ big) }}{% else %}{{ big }}{% endif %}",
    "{{ (x | replace('a', big)) ~ (x | replace('b', big)) ~ (x | replace('c', big)) }}",
    "{{ x | replace('a', big) | replace('a', big) | replace('a', big) | replace('a', big) }}",
]


@given(
    pattern=st.sampled_from(PATTERNS),
    x=st.text(alphabet="abcA -", max_size=300),
    big=st.text(alphabet="abcA%é", min_size=0, max_size=3000),
)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_value_exceeds_a_small_multiple_of_its_inputs(pattern: str, x: str, big: str) -> None:
    source = pattern.replace("x", "variant.vars.x").replace("big", "variant.vars.big")
    ctx = context(x=x, big=big)
    cap = min(MAX_VALUE_CHARS, VALUE_FLOOR + VALUE_MULTIPLE * input_chars(ctx, source))
    start = time.perf_counter()
    try:
        out = render_value(source, ctx, path="login.LoginWindowMessage")
    except InputError as exc:
        assert "login.LoginWindowMessage: the template would build" in str(exc) or "in all" in str(exc)
    else:
        assert len(out) <= cap
    assert time.perf_counter() - start < 0.5


def test_the_variant_budget_adds_up_across_values() -> None:
    big = "b" * 4000
    ctx = context(big=big)
    values = {f"Key{i}": "{{ variant.vars.big ~ variant.vars.big ~ variant.vars.big ~ variant.vars.big }}" for i in range(200)}
    budget = new_budget(ctx)
    with pytest.raises(InputError, match="in all"):
        render_value(values, ctx, path="login", budget=budget)
    assert budget.spent <= MAX_VARIANT_CHARS
    # each value alone is fine: a fresh budget per value would never have stopped it
    assert len(render_value(values["Key0"], ctx, path="login.Key0")) == 16_000


def test_ordinary_templates_are_untouched() -> None:
    ctx = context(site={"city": "Lyon"}, roles=["A", "B"])
    source = "{{ organization }} {{ variant.name | upper }} {{ variant.vars.roles | join(', ') }} {{ variant.vars.site.city ~ '!' }}"
    assert render_value(source, ctx, path="x") == "Contoso SALES A, B Lyon!"
