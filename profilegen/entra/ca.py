"""Does a tenant's Conditional Access fit the profile's design? One verdict per policy and sign-in.

Jamf Connect makes three sign-ins: the interactive OIDC sign-in at the login window, the ROPG
password check of the login window, and the ROPG check of the menu bar app / Self Service+. Which
policies apply to each depends on the resource its scopes ask for (designs.py; azure-facts.md
§9.2): a custom API scope targets the private API app; only baseline scopes
(``openid profile email offline_access``) are, since Microsoft's 2026 change, "evaluated as
directory access and mapped to Azure AD Graph (Windows Azure Active Directory,
00000002-0000-0000-c000-000000000000)", so every All-resources policy **with a resource
exclusion** and every policy naming Azure AD Graph applies to them (azure-facts.md §10.1-10.2;
https://learn.microsoft.com/en-us/entra/identity/conditional-access/concept-enforcement-resource-exclusions).
Graph does not expose whether the tenant has that enforcement (§10.1), hence ``baseline``.

Policy fields: https://learn.microsoft.com/en-us/graph/api/resources/conditionalaccesspolicy .
Membership of users and groups is not resolved offline: a verdict says whom the policy names.
Pure: no I/O. ``capolicies`` reads the policies, ``careport`` prints the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from profilegen.entra import designs
from profilegen.entra.capolicies import Policy, section, strings
from profilegen.entra.caconditions import authentication_flows, client_apps, conditions_of, platforms, users
from profilegen.entra.cagrants import BAD, grant_outcome, is_problem

SignInKey = Literal["login", "ropg", "menubar_ropg"]
SIGNIN_KEYS: tuple[SignInKey, ...] = ("login", "ropg", "menubar_ropg")
AZURE_AD_GRAPH = "00000002-0000-0000-c000-000000000000"  # Windows Azure Active Directory (§10.1)
MICROSOFT_GRAPH = "00000003-0000-0000-c000-000000000000"  # azure-facts.md §5.1
Baseline = Literal["enforced", "legacy"]
VERDICTS = ("mfa-on-ropg", "mfa-at-login", "blocks", "lockout", "report-only", "not-applicable", "cannot-tell")


@dataclass(frozen=True)
class SignIn:
    key: SignInKey
    label: str
    client_id: str | None
    scopes: tuple[str, ...]
    api_app_id: str | None  # the private API app the scopes ask for, or None

    @property
    def kind(self) -> Literal["api", "baseline", "graph"]:
        kinds = {designs.scope_kind(s) for s in self.scopes}
        if "custom" in kinds:
            return "api"
        return "graph" if "other" in kinds else "baseline"

    @property
    def interactive(self) -> bool:
        return self.key == "login"

    def resource(self) -> str:
        if self.kind == "api":
            return f"the API app {self.api_app_id or '(unknown ID)'}"
        if self.kind == "graph":
            return f"Microsoft Graph {MICROSOFT_GRAPH}"
        return "baseline scopes only"


@dataclass(frozen=True)
class Setup:
    design: designs.Design | None
    signins: tuple[SignIn, ...]
    baseline: Baseline = "enforced"


@dataclass(frozen=True)
class Verdict:
    verdict: str
    why: str
    fix: str = ""
    would: str | None = None  # report-only: what it would do once enabled


@dataclass(frozen=True)
class PolicyResult:
    policy: Policy
    verdicts: dict[str, Verdict]
    users: str
    conditions: list[str] = field(default_factory=list)

    def problems(self, design: designs.Design | None) -> list[tuple[str, Verdict]]:
        return [(k, v) for k, v in self.verdicts.items() if is_problem(v.verdict, k, design)]

    def pending(self, design: designs.Design | None) -> list[tuple[str, Verdict]]:
        """Report-only verdicts that become problems once the policy is enabled."""
        return [(k, v) for k, v in self.verdicts.items() if v.would and is_problem(v.would, k, design)]


Applies = tuple[bool | None, str, str]  # (applies: True/False/None = cannot tell, why, reason code)


def _applications(policy: Policy, signin: SignIn, baseline: Baseline) -> Applies:
    apps = section(policy.data, ("conditions", "applications"))
    include = strings(policy.data, ("conditions", "applications"), "includeApplications")
    exclude = set(strings(policy.data, ("conditions", "applications"), "excludeApplications"))
    filt = section(policy.data, ("conditions", "applications", "applicationFilter"))
    mode = str(filt.get("mode") or "").lower() if filt else ""
    if not include:
        if apps.get("includeUserActions") or apps.get("includeAuthenticationContextClassReferences"):
            return False, "targets user actions or an authentication context, not resources", ""
        if not filt:
            return False, "targets no resources", ""
    if "None" in include:
        return False, "targets no resources (None)", ""
    if "All" not in include and "MicrosoftAdminPortals" in include and len(include) == 1:
        return False, "targets Microsoft admin portals only", ""
    kind = signin.kind
    if kind in ("api", "graph"):
        target = signin.api_app_id if kind == "api" else MICROSOFT_GRAPH
        name = "the API app" if kind == "api" else "Microsoft Graph"
        if target is None:
            return None, "the API app's ID is unknown; pass --api-app-id", ""
        if target in exclude:
            return False, f"excludes {name} {target}", ""
        if "All" in include:
            if filt:
                return None, (f"targets All resources with an app filter ({mode or 'no mode'}: custom security "
                              f"attributes, design C) that profilegen cannot read offline; check that the filter "
                              f"matches {name} {target}"), ""
            return True, "targets All resources", "all"
        if target in include:
            return True, f"names {name} {target}", "named"
        if filt and mode == "include":
            return None, f"includes apps by a custom security attribute filter; check whether it matches {name} {target}", ""
        if "Office365" in include and kind == "graph":
            return None, "targets the Office 365 app group; whether it covers Microsoft Graph is not documented", ""
        return False, "names other resources only", ""
    # Baseline scopes only (designs A and D's ROPG check, design B's login window).
    has_exclusion = bool(exclude) or mode == "exclude"
    if "All" in include:
        if not has_exclusion:
            return True, "targets All resources without exclusions, which covers sign-ins with baseline scopes only", "all"
        if baseline == "legacy":
            return False, ("targets All resources with resource exclusions; with --baseline-scopes legacy, sign-ins "
                           "asking only for baseline scopes are not enforced"), ""
        if AZURE_AD_GRAPH in exclude:
            return False, f"excludes Windows Azure Active Directory {AZURE_AD_GRAPH}", ""
        return True, ("targets All resources with resource exclusions: sign-ins asking only for baseline scopes "
                      "are evaluated as Azure AD Graph, so the exclusions do not exempt them (Microsoft's 2026 "
                      f"change, {designs.CHANGE_2026})"), "all-excluded"
    if AZURE_AD_GRAPH in include:
        if baseline == "legacy":
            return False, "names Windows Azure Active Directory, which only the 2026 enforcement maps baseline-scope sign-ins to", ""
        return True, (f"names Windows Azure Active Directory {AZURE_AD_GRAPH}, which sign-ins with baseline scopes "
                      f"only are mapped to ({designs.CHANGE_2026})"), "aad-graph"
    if signin.client_id and signin.client_id in include:
        return None, ("names the Jamf Connect app itself as a resource; which resource Entra evaluates for a "
                      "sign-in with baseline scopes only is documented only for the 2026 enforcement (Azure AD "
                      "Graph): check the sign-in log's Conditional Access tab"), ""
    if MICROSOFT_GRAPH in include or "Office365" in include:
        return None, ("names Microsoft Graph or Office 365; Microsoft documents sign-ins with baseline scopes only "
                      "as directory access (Azure AD Graph), not which app groups cover them"), ""
    if filt and mode == "include":
        return None, "includes apps by a custom security attribute filter, which profilegen cannot read offline", ""
    return False, "names other resources only", ""


def _one(policy: Policy, signin: SignIn, setup: Setup, who: tuple[bool, str]) -> Verdict:
    if not who[0]:
        return Verdict("not-applicable", f"names {who[1]}")
    for check in (client_apps(policy, signin.interactive), platforms(policy), authentication_flows(policy)):
        if check[0] is False:
            return Verdict("not-applicable", check[1])
    applies, why, reason = _applications(policy, signin, setup.baseline)
    if applies is False:
        return Verdict("not-applicable", why)
    unsure = client_apps(policy, signin.interactive)
    if applies is None or unsure[0] is None:
        return Verdict("cannot-tell", why if applies is None else unsure[1],
                       "check the sign-in log (Conditional Access tab, report-only results) for this sign-in")
    outcome, grant_why, fix = grant_outcome(policy, signin.interactive, signin.resource())
    if outcome == "not-applicable":
        return Verdict(outcome, f"{why}; {grant_why}")
    if outcome in BAD or outcome == "mfa-on-ropg":
        fix = _fix(outcome, reason, signin, setup, fix)
    return Verdict(outcome, f"{why}; {grant_why}", fix)


def _fix(outcome: str, reason: str, signin: SignIn, setup: Setup, grant_fix: str) -> str:
    if outcome == "lockout":
        return grant_fix
    if outcome == "blocks" and signin.kind == "baseline":
        return grant_fix or "narrow the policy's conditions so that it does not cover this sign-in"
    api = signin.api_app_id or "<API app ID>"
    if signin.kind == "api":
        if reason == "named":
            return f"remove the API app {api} from the policy's target resources"
        return f"exclude the API app {api} from the policy (Target resources > Exclude), as design B does"
    if outcome == "mfa-on-ropg" and setup.design is designs.D:
        return ""  # design D accepts the 50076 entries
    if reason == "aad-graph":
        return (f"remove Windows Azure Active Directory {AZURE_AD_GRAPH} from the policy's target resources, or use "
                "design B (custom API scope in ROPGScopes, API app excluded)")
    if signin.interactive:
        return grant_fix or "exclude the Jamf Connect users from the policy or change its grant control"
    return (f"target the policy at the API app {api} instead of All resources (design A), or use design B "
            f"(custom API scope in ROPGScopes and the API app excluded from the policy); excluding apps no longer "
            f"exempts a check that asks for baseline scopes only")


def evaluate(policy: Policy, setup: Setup) -> PolicyResult:
    who = users(policy)
    verdicts: dict[str, Verdict] = {}
    for signin in setup.signins:
        if policy.state == "disabled":
            verdicts[signin.key] = Verdict("not-applicable", "the policy is disabled")
            continue
        verdict = _one(policy, signin, setup, who)
        if policy.state == "enabledForReportingButNotEnforced" and verdict.verdict != "not-applicable":
            verdict = Verdict("report-only", f"report-only; once enabled it would be {verdict.verdict}: {verdict.why}",
                              verdict.fix, would=verdict.verdict)
        elif policy.state not in ("enabled", "enabledForReportingButNotEnforced"):
            verdict = Verdict("cannot-tell", f"state {policy.state!r} is not one profilegen knows", "check the policy in the portal")
        verdicts[signin.key] = verdict
    return PolicyResult(policy, verdicts, who[1], conditions_of(policy))


@dataclass(frozen=True)
class Outcome:
    setup: Setup
    results: list[PolicyResult]

    @property
    def fits(self) -> bool:
        return not any(r.problems(self.setup.design) for r in self.results)

    @property
    def report_only_problems(self) -> bool:
        return any(r.pending(self.setup.design) for r in self.results)

    @property
    def unsure(self) -> bool:
        return any(v.verdict == "cannot-tell" for r in self.results for v in r.verdicts.values())

    @property
    def login_mfa(self) -> bool:
        return any(r.verdicts.get("login") and r.verdicts["login"].verdict == "mfa-at-login" for r in self.results)

    def exit_code(self, *, strict: bool) -> int:
        """0 fits, 1 a policy contradicts the design (report-only ones too with ``strict``)."""
        if not self.fits or (strict and self.report_only_problems):
            return 1
        return 0


def check(policies: list[Policy], setup: Setup) -> Outcome:
    return Outcome(setup, [evaluate(p, setup) for p in policies])
