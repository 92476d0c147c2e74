"""Reading any profile shape safely: the fast and the strict XML parse, binary plists, signed
envelopes, key line numbers, and where the Jamf Connect settings sit (shapes).

May import: core, catalog, rules, signing.
"""
