"""verify's output: one block of text per file, or JSON whose keys are only ever added."""

from __future__ import annotations

import json
from collections.abc import Sequence

from profilegen.core.text import json_safe, one_line
from profilegen.signing.verify import Verdict


def verdict_json(path: str, v: Verdict) -> dict[str, object]:
    return {
        "path": path,
        "signed": v.signed,
        "intact": v.intact,
        "trusted": v.trusted,
        "signer": v.signer,
        "chain": v.chain,
        "problems": v.problems,
        "checked_at": v.checked_at.isoformat() if v.checked_at else None,
    }


def as_json(results: Sequence[tuple[str, Verdict]]) -> str:
    body = {"files": [verdict_json(p, v) for p, v in results]}
    # Escaped for JSON (core.text.json_safe), not for a terminal: the value read back is the same.
    return json_safe(json.dumps(body, indent=2, ensure_ascii=False)) + "\n"


def as_text(results: Sequence[tuple[str, Verdict]], *, trust_source: str | None) -> str:
    lines = []
    for path, v in results:
        if not v.signed:
            lines.append(f"{path}: not signed")
            continue
        if v.broken:
            state = "BROKEN: the signature does not verify"
        elif v.trusted:
            state = f"intact, trusted by {trust_source}"
        elif v.trusted is False:
            state = "intact, NOT trusted"
        else:
            state = "intact, not checked against a trust store (give --ca-file)"
        who = f"; signed by {v.signer['subject']}, valid until {v.signer['not_after'][:10]}" if v.signer else ""
        lines.append(f"{path}: {state}{who}")
        lines.extend(f"{path}: - {p}" for p in v.problems)
    good = sum(v.ok for _, v in results)
    lines.append(f"{len(results)} file(s): {good} verified, {len(results) - good} with problems")
    # One file, one line: a file name or subject holding a line feed cannot add a line.
    return "\n".join(map(one_line, lines)) + "\n"
