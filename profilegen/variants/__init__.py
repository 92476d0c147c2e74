"""variants: one base config, many department variants (pipeline), their Jinja templating, the
manifest, the key-level diff, and the JSON Schemas of the config and variants files.

May import: core, catalog, entra, rules, profile, validate, generate.
"""
