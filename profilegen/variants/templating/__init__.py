"""Jinja2 in config string values, evaluated per variant.

Values are data, never code: templates run in Jinja's sandbox with StrictUndefined, only
string values are rendered (recursively inside mappings and lists; keys never), and the names
a template can see are plain data wrapped in ``Scope`` objects that expose nothing but their
items. An error names the key path; the caller adds the file and the variant.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from profilegen.core.errors import InputError
from profilegen.core.text import shown
from profilegen.variants.templating.budget import (
    BUDGET,
    CONCAT_FILTER,
    Budget,
    OverBudget,
    charge,
    concat,
    metered,
    new_budget,
)

# Markers that make a string a template. Plain strings (most values) skip Jinja entirely.
MARKERS = ("{{", "{%", "{#")
# A template may repeat a string or a list, but not into a memory bomb ({{ 'x' * 10**9 }}).
MAX_REPEAT_CHARS = 100_000
MAX_POWER = 1 << 16
# What a template may contain: values, attribute and item access, conditions, concatenation and
# a few text filters. No calls (so no methods of the data), no loops, no arithmetic, no
# formatting: every template's output is then at most a small multiple of its inputs.
ALLOWED_NODES = frozenset({
    "Template", "Output", "TemplateData", "Name", "Getattr", "Getitem", "Const", "Filter", "Concat",
    "CondExpr", "If", "Compare", "Operand", "And", "Or", "Not", "Test", "Add", "Tuple", "List",
})
ALLOWED_FILTERS = frozenset({
    "lower", "upper", "title", "capitalize", "trim", "replace", "default", "d", "string", "truncate",
    "length", "join", "first", "last", "urlencode",
})
ALLOWED_TESTS = frozenset({"defined", "undefined", "none", "string", "number", "eq", "ne", "in"})

class Scope(Mapping[str, Any]):
    """Read-only names for templates: ``variant.name``, ``variant.vars.site``.

    Attribute access in templates goes to the items only (``Sandbox.getattr`` in
    ``_environment``), so a variable called ``items`` or ``keys`` is that variable, not a dict
    method, and nothing Python-internal (``__class__``) is reachable through it.
    """

    __slots__ = ("_data", "_path")

    def __init__(self, path: str, data: Mapping[str, Any]) -> None:
        self._path = path
        self._data = {str(k): _freeze(f"{path}.{k}", v) for k, v in data.items()}

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __str__(self) -> str:
        return str({k: str(v) if isinstance(v, Scope) else v for k, v in self._data.items()})

    @property
    def path(self) -> str:
        return self._path


def _freeze(path: str, value: Any) -> Any:
    """Mappings become Scopes and lists tuples, so no template can change shared data."""
    if isinstance(value, Mapping):
        return Scope(path, value)
    if isinstance(value, list):
        return tuple(_freeze(f"{path}[{i}]", v) for i, v in enumerate(value))
    return value


def _check_allowed(tree: Any) -> None:
    from jinja2 import nodes

    for node in [tree, *tree.find_all(nodes.Node)]:
        kind = type(node).__name__
        if kind not in ALLOWED_NODES:
            what = {"For": "loops", "Call": "calls", "Mul": "'*'", "Mod": "'%' formatting", "Pow": "'**'",
                    "Div": "'/'", "FloorDiv": "'//'", "Sub": "'-'"}.get(kind, kind)
            raise InputError(f"templates may not use {what}; use {{{{ value }}}}, if/else, ~ and text filters only")
        if isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
            raise InputError(f"the filter '{node.name}' is not allowed; use one of {', '.join(sorted(ALLOWED_FILTERS))}")
        if isinstance(node, nodes.Test) and node.name not in ALLOWED_TESTS:
            raise InputError(f"the test '{node.name}' is not allowed")


@cache
def _environment() -> Any:
    from jinja2 import StrictUndefined
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import SandboxedEnvironment

    class Undefined(StrictUndefined):
        """Say ``'variant.nme' is undefined`` instead of ``'Scope object' has no attribute``."""

        __slots__ = ()

        @property
        def _undefined_message(self) -> str:
            obj = self._undefined_obj
            if isinstance(obj, Scope):
                return f"'{obj.path}.{self._undefined_name}' is undefined"
            return str(StrictUndefined._undefined_message.fget(self))  # type: ignore[attr-defined]

    class Sandbox(SandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "+"})

        def getattr(self, obj: Any, attribute: str) -> Any:
            if isinstance(obj, Scope):
                return obj[attribute] if attribute in obj else self.undefined(obj=obj, name=attribute)
            return super().getattr(obj, attribute)

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**" and isinstance(right, int) and abs(right) > MAX_POWER:
                raise SecurityError(f"exponent {right} is too large")
            if operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
                charge(len(left) + len(right))
            if operator == "*":
                for seq, n in ((left, right), (right, left)):
                    if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_REPEAT_CHARS:
                        raise SecurityError("the repeated value would be too long")
            return super().call_binop(context, operator, left, right)

    env = Sandbox(undefined=Undefined, autoescape=False, keep_trailing_newline=True)
    env.globals.clear()  # no range, lipsum, namespace, dict, cycler, joiner
    env.filters = {name: metered(name, env.filters[name]) for name in ALLOWED_FILTERS}
    env.filters[CONCAT_FILTER] = concat
    return env


def _meter_concat(tree: Any) -> Any:
    """``a ~ b`` compiles to a plain join that nothing can measure: turn every Concat node into
    a call of the measuring filter on the tuple of its parts."""
    from jinja2 import nodes
    from jinja2.visitor import NodeTransformer

    class Meter(NodeTransformer):
        def visit_Concat(self, node: Any) -> Any:
            node = self.generic_visit(node)
            parts = nodes.Tuple(node.nodes, "load", lineno=node.lineno)
            return nodes.Filter(parts, CONCAT_FILTER, [], [], None, None, lineno=node.lineno)

    return Meter().visit(tree)


@cache
def _compile(source: str) -> Any:
    # Variants share most of their strings (they come from the base): compile each once.
    env = _environment()
    tree = env.parse(source)
    _check_allowed(tree)
    return env.from_string(_meter_concat(tree))


def render_value(value: Any, context: Mapping[str, Any], *, path: str, budget: Budget | None = None) -> Any:
    """``value`` with every string rendered as a template; containers are rebuilt, not shared.
    ``budget``: what the variant's templates may still build (default: a fresh one)."""
    budget = budget or new_budget(context)
    if isinstance(value, str):
        return render_string(value, context, path=path, budget=budget) if any(m in value for m in MARKERS) else value
    if isinstance(value, Mapping):
        return {k: render_value(v, context, path=f"{path}.{k}" if path else str(k), budget=budget) for k, v in value.items()}
    if isinstance(value, list):
        return [render_value(v, context, path=f"{path}[{i}]", budget=budget) for i, v in enumerate(value)]
    return value


def render_string(source: str, context: Mapping[str, Any], *, path: str, budget: Budget | None = None) -> str:
    from jinja2 import TemplateError, TemplateSyntaxError

    try:
        template = _compile(source)
    except InputError as exc:
        raise InputError(f"{path}: {exc.problems[0]}") from None
    except TemplateSyntaxError as exc:
        raise InputError(f"{path}: template syntax error: {exc.message}; fix the {{{{ }}}} expression") from None
    budget = budget or new_budget(context)
    budget.start(source)
    token = BUDGET.set(budget)
    try:
        return _render_within(template, context, budget)
    except OverBudget as exc:
        raise InputError(f"{path}: {exc}") from None
    except TemplateSyntaxError as exc:
        raise InputError(f"{path}: template syntax error: {exc.message}; fix the {{{{ }}}} expression") from None
    except TemplateError as exc:
        raise InputError(f"{path}: {exc.message or type(exc).__name__}") from None
    except Exception as exc:  # noqa: BLE001 - e.g. {{ 1 / 0 }}: the template's fault, not ours
        raise InputError(f"{path}: template failed: {type(exc).__name__}: {shown(str(exc), quote=False)}") from None
    finally:
        BUDGET.reset(token)


def _render_within(template: Any, context: Mapping[str, Any], budget: Budget) -> str:
    """The template's output, piece by piece, stopping as soon as the value is over its cap."""
    pieces: list[str] = []
    size = 0
    for piece in template.generate(**context):
        size += len(piece)
        budget.check(size)
        pieces.append(piece)
    budget.charge(size)
    return "".join(pieces)


def template_context(*, name: str, slug: str, variables: Mapping[str, Any], organization: Any) -> dict[str, Any]:
    """The names a variant's templates see: ``variant.name|slug|vars.*`` and ``organization``."""
    return {
        "variant": Scope("variant", {"name": name, "slug": slug, "vars": Scope("variant.vars", variables)}),
        "organization": organization,
    }
