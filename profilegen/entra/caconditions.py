"""The conditions of a Conditional Access policy that decide whether it covers a Jamf Connect sign-in,
and those that are only reported (profilegen cannot know a sign-in's network or risk).

Fields: https://learn.microsoft.com/en-us/graph/api/resources/conditionalaccessconditionset
(users, clientAppTypes, platforms, locations, signInRiskLevels, userRiskLevels, devices).
Users, groups and roles are counted, never resolved: membership is not evaluated offline.
"""

from __future__ import annotations

from profilegen.entra.capolicies import Policy, section, strings


def users(policy: Policy) -> tuple[bool, str]:
    """(False when the policy names nobody, who it names)."""
    node = section(policy.data, ("conditions", "users"))
    include = strings(policy.data, ("conditions", "users"), "includeUsers")
    parts = []
    if "All" in include:
        parts.append("all users")
    elif include == ["None"] and not node.get("includeGroups") and not node.get("includeRoles"):
        return False, "nobody (includeUsers: None)"
    else:
        for key, word in (("includeUsers", "user"), ("includeGroups", "group"), ("includeRoles", "role")):
            n = len([u for u in strings(policy.data, ("conditions", "users"), key) if u not in ("None", "GuestsOrExternalUsers")])
            if n:
                parts.append(f"{n} {word}{'s' if n != 1 else ''}")
        if "GuestsOrExternalUsers" in include or node.get("includeGuestsOrExternalUsers"):
            parts.append("guests or external users")
    excluded = []
    for key, word in (("excludeUsers", "user"), ("excludeGroups", "group"), ("excludeRoles", "role")):
        n = len(strings(policy.data, ("conditions", "users"), key))
        if n:
            excluded.append(f"{n} {word}{'s' if n != 1 else ''}")
    who = " and ".join(parts) or "nobody named"
    return bool(parts), who + (f" except {', '.join(excluded)}" if excluded else "")


def client_apps(policy: Policy, interactive: bool) -> tuple[bool | None, str]:
    types = [t for t in strings(policy.data, ("conditions",), "clientAppTypes")]
    if not types or "all" in types or "mobileAppsAndDesktopClients" in types:
        return True, ""
    # ROPG requests come from a native app ("Mobile Apps and Desktop clients" in the sign-in log,
    # azure-facts.md §4.2); how Entra classifies the login window's web view is not documented.
    if "browser" in types:
        if interactive:
            return None, "applies to browser clients only; whether Entra sees the login window's web view as a browser is not documented"
        return False, "applies to browser clients only; the ROPG check is a desktop client"
    return False, f"applies to legacy clients only ({', '.join(types)})"


def platforms(policy: Policy) -> tuple[bool, str]:
    include = [p.lower() for p in strings(policy.data, ("conditions", "platforms"), "includePlatforms")]
    exclude = [p.lower() for p in strings(policy.data, ("conditions", "platforms"), "excludePlatforms")]
    if "macos" in exclude or "all" in exclude:
        return False, "excludes macOS"
    if include and "all" not in include and "macos" not in include:
        return False, f"applies to other platforms only ({', '.join(include)})"
    return True, ""


def conditions_of(policy: Policy) -> list[str]:
    """Conditions reported, not evaluated: profilegen cannot know a sign-in's location or risk."""
    out = []
    include = strings(policy.data, ("conditions", "platforms"), "includePlatforms")
    if include and "all" not in [p.lower() for p in include]:
        out.append(f"platforms: {', '.join(include)} (ROPG requests may not say macOS)")
    loc_in = strings(policy.data, ("conditions", "locations"), "includeLocations")
    loc_out = strings(policy.data, ("conditions", "locations"), "excludeLocations")
    if loc_in or loc_out:
        out.append(f"locations: {len(loc_in)} included, {len(loc_out)} excluded (applies only from those networks)")
    for key in ("signInRiskLevels", "userRiskLevels"):
        levels = strings(policy.data, ("conditions",), key)
        if levels:
            out.append(f"{key}: {', '.join(levels)} (applies only at that risk)")
    if section(policy.data, ("conditions", "devices")):
        out.append("a device filter (not evaluated)")
    return out


def authentication_flows(policy: Policy) -> tuple[bool, str]:
    """A policy with ``authenticationFlows.transferMethods`` covers only those flows (device code,
    authentication transfer: https://learn.microsoft.com/en-us/graph/api/resources/conditionalaccessauthenticationflows);
    Jamf Connect's sign-ins use neither."""
    flows = section(policy.data, ("conditions", "authenticationFlows")).get("transferMethods")
    if isinstance(flows, str) and flows.strip() and flows.strip() != "none":
        return False, f"applies to the {flows.strip()} flow only, which Jamf Connect does not use"
    return True, ""
