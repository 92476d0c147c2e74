"""The output budget of variant templates: how much text they may build, measured as they run.

Every string a template builds (a filter's result, a ``~`` or ``+`` concatenation, the value
itself) is measured, and where its size can be predicted (replace, join, ``~``, ``+``) it is
measured before it is built, so ``{{ x | replace('a', big) | replace('A', big) }}`` stops at
once instead of building a gigabyte. A value may be at most VALUE_MULTIPLE times its inputs
(the template plus every text the variant's templates can see) plus VALUE_FLOOR, and never more
than MAX_VALUE_CHARS; all the strings one variant's templates build, at most MAX_VARIANT_CHARS.
Jamf Connect values are a few hundred characters, and validate refuses a profile over 4 MiB
(PG105) anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

VALUE_FLOOR = 1_024
VALUE_MULTIPLE = 8
MAX_VALUE_CHARS = 65_536
MAX_VARIANT_CHARS = 1 << 20


class OverBudget(Exception):
    """A template would build more text than its budget allows (caught in render_string)."""


@dataclass
class Budget:
    """What one variant's templates may still build; ``limit`` is the current value's cap."""

    inputs: int
    spent: int = 0
    limit: int = 0

    def start(self, source: str) -> None:
        self.limit = min(MAX_VALUE_CHARS, VALUE_FLOOR + VALUE_MULTIPLE * (self.inputs + len(source)))

    def check(self, size: int) -> None:
        if size > self.limit:
            raise OverBudget(
                f"the template would build {size:,} characters, more than the {self.limit:,} a value may have "
                f"({VALUE_MULTIPLE}x its inputs + {VALUE_FLOOR:,}, at most {MAX_VALUE_CHARS:,}); "
                "simplify it (a replace or join that repeats a long value?)"
            )
        if self.spent + size > MAX_VARIANT_CHARS:
            raise OverBudget(
                f"this variant's templates would build more than {MAX_VARIANT_CHARS:,} characters in all; "
                "simplify them (a replace or join that repeats a long value?)"
            )

    def charge(self, size: int) -> None:
        self.check(size)
        self.spent += size


BUDGET: ContextVar[Budget | None] = ContextVar("profilegen_template_budget", default=None)


def new_budget(context: Mapping[str, Any]) -> Budget:
    """A budget for one variant: its inputs are every text its templates can see."""
    return Budget(inputs=_text_size(context))


def _text_size(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, Mapping):
        return sum(len(str(k)) + _text_size(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return sum(_text_size(v) for v in value)
    return len(str(value)) if isinstance(value, (int, float)) else 0


def charge(size: int) -> None:
    budget = BUDGET.get()
    if budget is not None:
        budget.charge(size)


def _predict_replace(s: Any, old: Any, new: Any, count: Any = None) -> int:
    text, old, new = str(s), str(old), str(new)
    hits = len(text) + 1 if not old else text.count(old)
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * (len(new) - len(old))


def _predict_join(value: Any, d: Any = "", attribute: Any = None) -> int:
    # With attribute=, each part is a piece of its item, so the items' sizes bound the result.
    items = list(value) if isinstance(value, (list, tuple, Mapping)) else [value]
    return sum(len(str(v)) for v in items) + len(str(d)) * max(len(items) - 1, 0)


PREDICT: dict[str, Callable[..., int]] = {"replace": _predict_replace, "join": _predict_join}


def metered(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` (a Jinja filter) that measures its result, and predicts it first where it can."""
    skip = 1 if hasattr(func, "jinja_pass_arg") else 0  # eval context or environment first

    def run(*args: Any, **kwargs: Any) -> Any:
        budget = BUDGET.get()
        if budget is not None and name in PREDICT:
            budget.check(PREDICT[name](*args[skip:], **kwargs))
        result = func(*args, **kwargs)
        if budget is not None and isinstance(result, str):
            budget.charge(len(result))
        return result

    if skip:
        run.jinja_pass_arg = func.jinja_pass_arg  # type: ignore[attr-defined]
    return run


def concat(parts: tuple[Any, ...]) -> str:
    """``a ~ b ~ c``, measured before it is built."""
    texts = [str(p) for p in parts]
    charge(sum(map(len, texts)))
    return "".join(texts)




CONCAT_FILTER = "profilegen_concat"  # not in ALLOWED_FILTERS: no template can name it
