"""The Entra ID side (issue 5): ROPG password check, sign-in log triage, app registration blueprint.

Core modules only: they return values or raise ``profilegen.errors`` exceptions, never print.
"""
