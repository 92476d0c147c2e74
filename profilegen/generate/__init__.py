"""generate: the pydantic models, the config file and its YAML reader, extra keys, building the
settings and payloads, and rendering them to .mobileconfig or plist.

May import: core, catalog, entra, rules, profile, validate.
"""
