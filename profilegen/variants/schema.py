"""JSON Schemas (draft 2020-12) of the generate config and the variants file, for editors.

Built from the pydantic models (organization, identifier, azure: and whatever fields they gain)
and from the key catalog (login:, menubar:), so that an editor underlines what generate would
refuse: a wrong type, an unknown key, a value outside a key's allowed list, a 1.x key, a key the
azure: block already sets, a client secret. Checks that need code (a tenant GUID or verified
domain, discovery URL hosts) stay generate's; the schema never refuses what generate accepts.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from profilegen.catalog import DOMAINS, SECRET_KEY_NAMES, Component, KeySpec, load_catalog
from profilegen.generate.extras import ALWAYS, RESERVED, SECRET_REASON
from profilegen.generate.yamlfile import EXTENSION_PREFIX

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# What CONTROL_RE (profilegen.core.text) refuses in a plist string, as an ECMA-262 pattern.
NO_CONTROLS = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"
# In a variants file every string is a Jinja template (profilegen.variants.templating); a value with
# {{ or {% is only known after rendering, so it passes wherever a string may stand.
TEMPLATE = {"type": "string", "pattern": "\\{\\{|\\{%"}
NEVER: dict[str, Any] = {"not": {}}

_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string", "pattern": NO_CONTROLS},
    "boolean": {"type": "boolean"},
    "integer": {"type": "integer"},
    "real": {"type": "number"},
    # A YAML timestamp or !!binary value has no JSON type: left open for editors.
    "date": {},
    "data": {},
    "any": {},
}


def _value(spec_type: str, allowed: tuple[Any, ...] | None, *, templates: bool) -> dict[str, Any]:
    schema = {"enum": list(allowed)} if allowed is not None else dict(_TYPES.get(spec_type, {}))
    if templates and (schema.get("type") == "string" or "enum" in schema):
        return {"anyOf": [schema, TEMPLATE]}
    return schema


def _key(spec: KeySpec, *, templates: bool, nullable: bool) -> dict[str, Any]:
    about = spec.summary + (f" Since Jamf Connect {spec.since}." if spec.since else "") + f" Source: {spec.source}"
    if spec.legacy:
        return {
            "description": f"Jamf Connect 1.x key, ignored by 2.x (replacement: {spec.replacement or 'none known'}); "
            f"generate refuses it. {about}",
            "deprecated": True,
            **NEVER,
        }
    if spec.name in SECRET_KEY_NAMES:
        return {"description": SECRET_REASON, **NEVER}
    options = {"templates": templates, "nullable": nullable}
    if spec.type == "dict":
        schema: dict[str, Any] = {"type": "object"}
        if spec.keys:
            schema |= _level(spec.keys, **options)
    elif spec.type == "array":
        if spec.item_keys:
            # Lists replace as a whole in a variant: their items hold no null.
            items = {"type": "object", **_level(spec.item_keys, templates=templates, nullable=False)}
        else:
            items = _value(spec.item_type or "any", spec.allowed, templates=templates)
        schema = {"type": "array", "items": items}
    else:
        schema = _value(spec.type, spec.allowed, templates=templates)
    if nullable:  # in a variant, null removes the key the base sets (variants.merge), at any depth
        schema = {"anyOf": [schema, {"type": "null"}]}
    return {"description": about, **schema}


def _level(keys: Mapping[str, KeySpec], *, templates: bool, nullable: bool) -> dict[str, Any]:
    """Properties of one dictionary; the catalog lists every key of it, so nothing else is allowed."""
    props = {name: _key(spec, templates=templates, nullable=nullable) for name, spec in keys.items()}
    return {"properties": props, "additionalProperties": False}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """An azure: override in a variant: null removes a field that the base sets."""
    out = copy.deepcopy(schema)
    for name, prop in out.get("properties", {}).items():
        out["properties"][name] = {"anyOf": [prop, {"type": "null"}]}
    return out


def catalog_section(component: Component, *, templates: bool = False, nullable: bool = False) -> dict[str, Any]:
    """``login:`` or ``menubar:``: every catalog key; keys that azure: always sets are refused."""
    schema: dict[str, Any] = {
        "type": "object",
        "description": f"Further {DOMAINS[component]} keys, checked against the Jamf Connect key catalog.",
        **_level(load_catalog(component).keys, templates=templates, nullable=nullable),
    }
    for path, field in RESERVED[component].items():
        if field in ALWAYS:
            _refuse(schema, path, f"set by {_source(field)}; set it only there")
    return schema


def _source(field: str) -> str:
    return "the azure: block (the provider is always Entra ID)" if field == "provider" else f"azure.{field}"


def _refuse(schema: dict[str, Any], path: str, why: str) -> None:
    *parents, name = path.split(".")
    level = schema
    for parent in parents:
        level = level["properties"][parent]
        level = level["anyOf"][0] if "anyOf" in level else level  # a nullable dictionary
    level["properties"][name] = {"description": why, **NEVER}


def _reserved_when_given(component: Component) -> list[dict[str, Any]]:
    """Keys that azure: sets only when one of its fields is given (OIDCScopes and custom_scope)."""
    rules = []
    for path, field in RESERVED[component].items():
        if field in ALWAYS:
            continue
        *parents, name = path.split(".")
        refused: dict[str, Any] = {"not": {"required": [name]}}
        for parent in reversed(parents):
            refused = {"properties": {parent: refused}}
        given = {"required": [field], "properties": {field: {"not": {"enum": [None, []]}}}}
        rules.append({
            "if": {"required": ["azure"], "properties": {"azure": given}},
            "then": {"properties": {component: refused}},
        })
    return rules


def _model_schema() -> dict[str, Any]:
    from profilegen.generate.models import IDENTIFIER_RE, ProfileConfig

    schema = ProfileConfig.model_json_schema(mode="validation")
    for definition in [schema, *schema.get("$defs", {}).values()]:
        for prop in definition.get("properties", {}).values():
            jamf = prop.pop("jamf_key", None)
            if jamf and "description" not in prop:
                prop["description"] = f"Sets the Jamf Connect key(s) {jamf}."
    schema["properties"]["identifier"]["pattern"] = IDENTIFIER_RE.pattern
    schema["properties"]["organization"]["pattern"] = NO_CONTROLS
    return schema


def config_schema() -> dict[str, Any]:
    schema = _model_schema()
    for component in DOMAINS:
        schema["properties"][component] = catalog_section(component)
    schema["allOf"] = [rule for component in DOMAINS for rule in _reserved_when_given(component)]
    return _titled(schema, "profilegen generate config")


def variants_schema() -> dict[str, Any]:
    """The base is a config whose fields may also come from the variants; each variant overrides
    azure:, login:, menubar: and jamf: (null removes a key) and may set name, slug, description, vars."""
    from profilegen.variants.pipeline import SLUG_RE

    schema = _model_schema()
    schema.pop("required", None)
    azure = schema["$defs"]["AzureSettings"]
    azure.pop("required", None)
    for name in ("organization", "identifier"):
        schema["properties"][name] = {"anyOf": [schema["properties"][name], TEMPLATE]}
    sections = {component: catalog_section(component, templates=True) for component in DOMAINS}
    schema["properties"].update(sections)
    variant: dict[str, Any] = {
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "pattern": "\\S", "description": "Department or site name; also the default slug."},
            "slug": {"type": "string", "pattern": SLUG_RE.pattern, "description": "Part of the file names and PayloadIdentifier."},
            "description": {"type": "string"},
            "vars": {"type": "object", "description": "Values for templates: {{ variant.vars.NAME }}."},
            "azure": _nullable({**azure, "type": "object"}),
            # Merged over the base's jamf: block (issue 10); its strings may be templates.
            "jamf": {"$ref": "#/$defs/JamfSettings"},
            **{component: catalog_section(component, templates=True, nullable=True) for component in DOMAINS},
        },
    }
    # variants renders jamf: before validating it (pipeline.variant_jamf), so a template may
    # stand for a boolean or a choice too ("{{ variant.vars.offered }}" -> true): what variants
    # accepts, the schema accepts (issue 19). Strings already take templates.
    for prop in schema["$defs"]["JamfSettings"]["properties"].values():
        kinds = prop.get("anyOf", [prop])
        if any(k.get("type") == "boolean" or "enum" in k for k in kinds):
            prop["anyOf"] = [*kinds, TEMPLATE]
            prop.pop("type", None)
            prop.pop("enum", None)
    schema["properties"]["variants"] = {"type": "array", "minItems": 1, "items": variant}
    schema["required"] = ["variants"]
    return _titled(schema, "profilegen variants file")


def _titled(schema: dict[str, Any], title: str) -> dict[str, Any]:
    # Top-level x-* keys hold YAML anchors for merge keys; the reader drops them (yamlfile.py).
    schema["patternProperties"] = {f"^{EXTENSION_PREFIX}": {"description": "A place for YAML anchors; not read."}}
    return {"$schema": DIALECT, "title": title, **{k: v for k, v in schema.items() if k != "title"}}


SCHEMAS = {"config": config_schema, "variants": variants_schema}
