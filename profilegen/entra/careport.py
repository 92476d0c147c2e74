"""ca-check's output: a table people read and the JSON shape scripts read (docs/ca-check.md).

Display names and IDs come from the tenant (or a file someone sent): every one is passed through
``one_line`` so control and bidi characters are shown escaped, never acted on. The CLI prints
text through its terminal-safe echo and JSON through ``json_safe`` as well.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from profilegen.core.text import one_line, pad, display_width
from profilegen.entra.ca import SIGNIN_KEYS, Outcome, PolicyResult

COLUMNS = {"login": "LOGIN", "ropg": "ROPG", "menubar_ropg": "MENUBAR_ROPG"}
NAME_WIDTH = 60


def safe(text: str, limit: int = 200) -> str:
    """One line with control characters and bidi/format characters (U+202E, U+2066...) escaped."""
    out = "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) == "Cf" else c for c in one_line(text))
    return out if len(out) <= limit else out[: limit - 3] + "..."


def _name(result: PolicyResult) -> str:
    return safe(result.policy.name or "(no displayName)")


def _design(outcome: Outcome) -> str:
    design = outcome.setup.design
    return f"{design.letter} ({design.name})" if design else "none (the profile's scopes fit no published design)"


def _signins(keys: list[str]) -> str:
    names = [k.replace("_", " ") for k in keys]
    joined = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"the {joined} sign-in{'s' if len(names) > 1 else ''}"


def problem_lines(outcome: Outcome) -> list[str]:
    """One line per policy and problem; sign-ins with the same verdict, why and fix share it."""
    design = outcome.setup.design
    lines = []
    for result in outcome.results:
        # Membership and conditions are not resolved offline: say whom and when a line is about.
        scope = f"; applies to {safe(result.users)}" + (f", only with {'; '.join(safe(c) for c in result.conditions)}"
                                                          if result.conditions else "")
        ident = f"{_name(result)} (id {safe(result.policy.id) or '-'}{scope})"
        groups: dict[tuple[str, str, str, str], list[str]] = {}
        for key, v in result.problems(design):
            groups.setdefault(("now", v.verdict, v.why, v.fix), []).append(key)
        for key, v in result.pending(design):
            groups.setdefault(("later", v.would or "", v.why, v.fix), []).append(key)
        for (when, verdict, why, fix), keys in groups.items():
            if when == "now":
                fix_text = f" Fix: {safe(fix, 600)}." if fix else ""
                lines.append(f"{ident}: {verdict} for {_signins(keys)}: {safe(why, 600)}.{fix_text}")
            else:
                fix_text = f" Fix before enabling: {safe(fix, 600)}." if fix else ""
                lines.append(f"{ident}: report-only, would be {verdict} for {_signins(keys)} once enabled.{fix_text}")
    return lines


def render_text(outcome: Outcome) -> str:
    setup = outcome.setup
    out = [f"design: {_design(outcome)}; baseline scopes: {setup.baseline}"]
    for s in setup.signins:
        out.append(f"  {s.key:<13} {s.label}: client {s.client_id or '?'}, scopes {' '.join(safe(x, 80) for x in s.scopes)}"
                   f" -> {s.resource()}")
    out.append("")
    width = min(NAME_WIDTH, max([display_width(_name(r)) for r in outcome.results] + [6]))
    head = f"{pad('POLICY', width)}  {'STATE':<12}  " + "  ".join(f"{COLUMNS[k]:<14}" for k in SIGNIN_KEYS)
    out.append(head.rstrip())
    for result in outcome.results:
        name = _name(result)  # never cut: a longer name shifts its row rather than hide what it says
        state = {"enabledForReportingButNotEnforced": "report-only"}.get(result.policy.state, safe(result.policy.state, 12))
        cells = "  ".join(f"{result.verdicts[k].verdict:<14}" for k in SIGNIN_KEYS)
        out.append(f"{pad(name, width)}  {state:<12}  {cells}".rstrip())
    if not outcome.results:
        out.append("(no policies)")
    problems = problem_lines(outcome)
    now = [line for line in problems if ": report-only, would be " not in line]
    later = [line for line in problems if ": report-only, would be " in line]
    if now:
        out += ["", "Problems and fixes:"] + [f"- {line}" for line in now]
    if later:
        out += ["", "Report-only policies that would contradict the design once enabled:"] + [f"- {line}" for line in later]
    unsure = [(r, k, v) for r in outcome.results for k, v in r.verdicts.items() if v.verdict == "cannot-tell"]
    if unsure:
        out += ["", "Cannot tell offline:"]
        out += [f"- {_name(r)} ({k}): {safe(v.why, 600)}" for r, k, v in unsure]
    if setup.design is not None and setup.design.letter in "AB" and not outcome.login_mfa:
        out += ["", "Note: no enabled policy requires MFA at the login window; the design expects one."]
    out.append("")
    verdict = "yes" if outcome.fits else "no"
    out.append(f"fits design {setup.design.letter if setup.design else '-'}: {verdict}")
    return "\n".join(out) + "\n"


def _policy_json(result: PolicyResult) -> dict[str, Any]:
    whys = [f"{k}: {v.why}" for k, v in result.verdicts.items() if v.verdict != "not-applicable"]
    if not whys:
        whys = [next(iter(result.verdicts.values())).why] if result.verdicts else []
    fixes = [f"{k}: {v.fix}" for k, v in result.verdicts.items() if v.fix]
    return {
        "id": result.policy.id,
        "displayName": result.policy.name,
        "state": result.policy.state,
        "verdicts": {k: v.verdict for k, v in result.verdicts.items()},
        "why": "; ".join(whys),
        "fix": "; ".join(fixes),
        "would": {k: v.would for k, v in result.verdicts.items() if v.would},
        "users": result.users,
        "conditions": result.conditions,
        "details": {k: {"verdict": v.verdict, "why": v.why, "fix": v.fix} for k, v in result.verdicts.items()},
    }


def render_json(outcome: Outcome) -> str:
    setup = outcome.setup
    doc = {
        "design": setup.design.letter if setup.design else None,
        "baseline_scopes": setup.baseline,
        "signins": [
            {"name": s.key, "label": s.label, "client_id": s.client_id, "scopes": list(s.scopes),
             "resource": s.kind, "api_app_id": s.api_app_id if s.kind == "api" else None}
            for s in setup.signins
        ],
        "policies": [_policy_json(r) for r in outcome.results],
        "fits": outcome.fits,
        "problems": problem_lines(outcome),
    }
    return json.dumps(doc, ensure_ascii=True, indent=2) + "\n"
