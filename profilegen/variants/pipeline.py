"""Per-department variants of one base config: load, merge, template, validate, render.

A variants file is a generate config plus ``variants:``, a list of mappings with ``name``,
optional ``slug``, ``description`` and ``vars``, and overrides for ``azure:``, ``login:`` and
``menubar:``. Each variant's overrides are deep-merged over the base (mappings merge, lists
replace, an explicit null removes a key), string values are rendered as sandboxed Jinja2
templates, and the result is validated by the same model as generate. Every message names the
file, the variant and the key path. Nothing here prints or writes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from profilegen.catalog import Component
from profilegen.core.errors import InputError
from profilegen.core.text import shown
from profilegen.generate.config import read_yaml, validate_config
from profilegen.generate.models import OutputFormat, ProfileConfig, Style
from profilegen.generate.pipeline import Document, generate

SECTIONS = ("azure", "login", "menubar")
VARIANT_FIELDS = ("name", "slug", "description", "vars", *SECTIONS, "jamf")
# What {{ component }} says in a jamf: name template (issue 10).
COMPONENT_WORDS: dict[Component, str] = {"login": "Login Window", "menubar": "Menu Bar"}
# A slug becomes one part of a reverse-DNS PayloadIdentifier and of the file names.
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


@dataclass(frozen=True)
class Variant:
    index: int
    name: str
    slug: str
    description: str = ""
    vars: Mapping[str, Any] = field(default_factory=dict)
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    jamf: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class VariantFile:
    source: str
    base: Mapping[str, Any]
    variants: tuple[Variant, ...]

    def where(self, variant: Variant) -> str:
        return f"{self.source}: variants[{variant.index}] ({shown(variant.name, quote=False)})"


@dataclass(frozen=True)
class Outcome:
    """One variant, rendered and validated: documents, or the problems that stopped it."""

    variant: Variant
    documents: tuple[Document, ...] = ()
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # warnings and infos, worded as generate's ``note:`` lines
    jamf: Mapping[str, Any] | None = None  # the merged jamf: block, name left out
    jamf_names: tuple[str, ...] = ()  # the Jamf Pro name of each document

    @property
    def ok(self) -> bool:
        return not self.problems


def slugify(name: str) -> str:
    """Lowercase ASCII letters, digits and single dashes: ``Ventes & Marketing`` → ``ventes-marketing``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def merge(base: Mapping[str, Any], override: Mapping[str, Any], *, path: str = "") -> dict[str, Any]:
    """Mappings merge key by key, anything else (lists too) replaces, and None removes the key.

    Removing a key that the base does not set is an error: it is almost always a typo.
    """
    out = dict(base)
    for key, value in override.items():
        where = f"{path}.{key}" if path else str(key)
        if value is None:
            if key not in out:
                raise InputError(f"{where}: null removes nothing, the base does not set it; fix the key name or drop the line")
            del out[key]
        elif isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value, path=where)
        else:
            out[key] = value
    return out


def load_variant_file(path: Path, *, stdin: IO[bytes] | None = None) -> VariantFile:
    """Read once: ``-`` is ``stdin``; /dev/stdin and process substitutions are files that can
    be read only once, so nothing checks them before reading."""
    data = read_yaml(path, option="FILE", stdin=stdin)
    return parse_variant_file(data, source="<stdin>" if str(path) == "-" else str(path))


def parse_variant_file(raw: Mapping[str, Any], *, source: str) -> VariantFile:
    """Split base and variants and check the variants' own fields; every problem at once."""
    from profilegen.catalog.check import suggest

    items = raw.get("variants")
    if not isinstance(items, list) or not items:
        raise InputError(f"{source}: variants: give a list of variants, each with at least a name")
    problems: list[str] = []
    variants: list[Variant] = []
    by_name: dict[str, int] = {}
    by_slug: dict[str, int] = {}
    for i, item in enumerate(items):
        where = f"{source}: variants[{i}]"
        if not isinstance(item, Mapping):
            problems.append(f"{where}: must be a mapping with name:, and optionally slug:, vars:, azure:, login:, menubar:")
            continue
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}: name: required; give the department or site name as text")
            continue
        name = name.strip()
        where = f"{where} ({shown(name, quote=False)})"
        for key in item:
            if key not in VARIANT_FIELDS:
                hint = suggest(str(key), list(VARIANT_FIELDS))
                problems.append(f"{where}: {key}: unknown field; " + (f"did you mean {hint}?" if hint else f"use {', '.join(VARIANT_FIELDS)}"))
        slug = item.get("slug")
        if slug is None:
            slug = slugify(name)
            if not slug:
                problems.append(f"{where}: no slug can be derived from the name; set slug: (a-z, 0-9 and -)")
        elif not isinstance(slug, str) or not SLUG_RE.match(slug):
            problems.append(f"{where}: slug: {shown(slug)} must be lowercase a-z, 0-9 and '-', e.g. {slugify(str(slug)) or 'sales'}")
        description = item.get("description") or ""
        if not isinstance(description, str):
            problems.append(f"{where}: description: must be text")
        variables = item.get("vars") or {}
        if not isinstance(variables, Mapping):
            problems.append(f"{where}: vars: must be a mapping of names to values")
        overrides = {s: item[s] for s in SECTIONS if item.get(s) is not None}
        for section, value in overrides.items():
            if not isinstance(value, Mapping):
                problems.append(f"{where}: {section}: must be a mapping of keys to override")
        jamf = item.get("jamf")
        if jamf is not None and not isinstance(jamf, Mapping):
            problems.append(f"{where}: jamf: must be a mapping (name, category, scope_groups, ...)")
        if name.casefold() in by_name:
            problems.append(f"{where}: name: {shown(name)} is also the name of variants[{by_name[name.casefold()]}]; names must be unique")
        by_name.setdefault(name.casefold(), i)
        if isinstance(slug, str) and slug:
            if slug in by_slug:
                problems.append(f"{where}: slug: {shown(slug)} is also the slug of variants[{by_slug[slug]}]; set a distinct slug:")
            by_slug.setdefault(slug, i)
        variants.append(Variant(i, name, str(slug), str(description), dict(variables) if isinstance(variables, Mapping) else {},
                                overrides, dict(jamf) if isinstance(jamf, Mapping) else None))
    if problems:
        raise InputError(*problems)
    base = {k: v for k, v in raw.items() if k != "variants"}
    return VariantFile(source, base, tuple(variants))


def select(vf: VariantFile, only: Sequence[str]) -> tuple[Variant, ...]:
    """The variants named (by name or slug) in ``only``, in file order; all when empty."""
    if not only:
        return vf.variants
    from profilegen.catalog.check import suggest

    # Names are unique ignoring case (and slugs are lowercase), so --only sales finds "Sales".
    known = {v.name.casefold(): v for v in vf.variants} | {v.slug: v for v in vf.variants}
    unknown = [n for n in only if n.casefold() not in known]
    if unknown:
        lines = []
        for n in unknown:
            hint = suggest(n, [v.name for v in vf.variants] + [v.slug for v in vf.variants])
            lines.append(f"--only {shown(n, quote=False)}: no such variant in {vf.source}" + (f"; did you mean {hint}?" if hint else ""))
        raise InputError(*lines)
    wanted = {known[n.casefold()].index for n in only}
    return tuple(v for v in vf.variants if v.index in wanted)


def variant_config(vf: VariantFile, variant: Variant) -> ProfileConfig:
    """Merge, render templates, validate: the variant's ProfileConfig, or InputError naming it."""
    from profilegen.variants.templating import render_value, template_context
    from profilegen.variants.templating.budget import new_budget

    where = vf.where(variant)
    raw = {k: v for k, v in vf.base.items() if k != "jamf"}  # jamf: is merged by variant_jamf
    context = template_context(name=variant.name, slug=variant.slug, variables=variant.vars, organization=raw.get("organization"))
    budget = new_budget(context)  # one for all of the variant's values
    try:
        for section in SECTIONS:
            base_part = raw.get(section)
            override = variant.overrides.get(section)
            if override is not None:
                if base_part is not None and not isinstance(base_part, Mapping):
                    raise InputError(f"{section}: the base's {section}: is not a mapping; fix the top of the file")
                base_part = merge(base_part or {}, override, path=section)
            if base_part is not None:
                raw[section] = render_value(base_part, context, path=section, budget=budget)
    except InputError as exc:
        raise InputError(*(f"{where}: {p}" for p in exc.problems)) from None
    return validate_config(raw, {}, source=where, cli_options=False)


def variant_jamf(vf: VariantFile, variant: Variant) -> dict[str, Any] | None:
    """The base's jamf: block merged with the variant's, templates rendered (``name`` is kept as
    a template: it is rendered per profile), validated; None when neither has one."""
    from pydantic import ValidationError

    from profilegen.generate.models import JamfSettings
    from profilegen.variants.templating import render_value, template_context

    base = vf.base.get("jamf")
    if base is None and variant.jamf is None:
        return None
    where = vf.where(variant)
    if base is not None and not isinstance(base, Mapping):
        raise InputError(f"{vf.source}: jamf: must be a mapping (name, category, scope_groups, ...)")
    try:
        merged = merge(base or {}, variant.jamf or {}, path="jamf")
        context = template_context(name=variant.name, slug=variant.slug, variables=variant.vars, organization=vf.base.get("organization"))
        rendered = {k: v if k == "name" else render_value(v, context, path=f"jamf.{k}") for k, v in merged.items()}
        settings = JamfSettings.model_validate(rendered)
    except InputError as exc:
        raise InputError(*(f"{where}: {p}" for p in exc.problems)) from None
    except ValidationError as exc:
        raise InputError(*(f"{where}: jamf.{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False))) from None
    return settings.model_dump(exclude_none=True, exclude={"url"}, mode="json")


def jamf_name(vf: VariantFile, variant: Variant, jamf: Mapping[str, Any] | None, doc: Document, display_name: str) -> str:
    """The profile's Jamf Pro name: the jamf: name template with {{ component }}, else its PayloadDisplayName."""
    from profilegen.variants.templating import render_string, template_context

    template = jamf.get("name") if jamf else None
    if not isinstance(template, str):
        return display_name
    from pydantic import ValidationError

    from profilegen.generate.models import JamfSettings

    where = f"{vf.where(variant)}: {doc.filename}"
    context = template_context(name=variant.name, slug=variant.slug, variables=variant.vars, organization=vf.base.get("organization"))
    context["component"] = COMPONENT_WORDS[doc.component]
    try:
        name = render_string(template, context, path="jamf.name")
    except InputError as exc:
        raise InputError(*(f"{where}: {p}" for p in exc.problems)) from None
    # Checked as rendered (issue 19): a variable may bring the line feed jamf push refuses.
    try:
        checked = JamfSettings.model_validate({"name": name}).name
    except ValidationError as exc:
        raise InputError(f"{where}: jamf.name: {shown(name)} {exc.errors(include_url=False)[0]['msg'].removeprefix('Value error, ')}") from None
    assert checked is not None
    return checked


def render_variant(
    vf: VariantFile, variant: Variant, *, components: Sequence[Component], style: Style, fmt: OutputFormat
) -> Outcome:
    """Config, documents, and validate's findings on every document's bytes."""
    from profilegen.rules.findings import Severity
    from profilegen.validate.pipeline import check_value, validate_bytes

    where = vf.where(variant)
    try:
        config = variant_config(vf, variant)
        jamf = variant_jamf(vf, variant)
        docs = generate(
            config,
            components=components,
            style=style,
            fmt=fmt,
            base_identifier=f"{config.identifier}.{variant.slug}",
            label=variant.name,
        )
        from profilegen.generate.build import identity

        names = tuple(jamf_name(vf, variant, jamf, d, identity(config, d.component, label=variant.name).display_name) for d in docs)
    except InputError as exc:
        return Outcome(variant, problems=exc.problems)
    if jamf is not None:
        jamf = {k: v for k, v in jamf.items() if k != "name"}
    problems: list[str] = []
    # generate's wording, with the variant in front: the same PG408 note reads the same in both.
    notes = [f"{where}: {n.removeprefix('note: ')}" for n in config.azure.notes()]
    for doc in docs:
        # The renderer parsed each document back and proved it holds the intended data: validate
        # that value instead of parsing the bytes twice more (issue 12).
        found = validate_bytes(doc.data, doc.filename, domain=doc.component) if doc.value is None else check_value(doc.value, doc.filename, domain=doc.component)
        for f in found:
            if f.severity == Severity.ERROR:
                problems.append(f"{where}: {doc.filename}: {f.code}{' ' + f.key if f.key else ''}: {f.message}")
            else:
                notes.append(f"{where}: {doc.filename}: {f.key + ': ' if f.key else ''}{f.code} {f.severity.value}: {f.message}")
    if problems:
        return Outcome(variant, problems=tuple(problems), notes=tuple(notes))
    return Outcome(variant, documents=tuple(docs), notes=tuple(notes), jamf=jamf, jamf_names=names)


def render_variants(
    vf: VariantFile,
    variants: Sequence[Variant],
    *,
    components: Sequence[Component],
    style: Style,
    fmt: OutputFormat,
    on_done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Render every variant (none is skipped because another failed); file order kept."""
    outcomes = []
    for variant in variants:
        outcome = render_variant(vf, variant, components=components, style=style, fmt=fmt)
        outcomes.append(outcome)
        if on_done is not None:
            on_done(outcome)
    return outcomes
