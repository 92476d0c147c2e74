"""Benchmark: render and validate 1,000 variants in one process (not a test).

Prints the cost per variant and its ratio to plain ``plistlib.dumps`` + ``plistlib.loads`` of the
same profile dictionaries, measured in the same run, then where the time goes (cProfile).

    .venv/bin/python bench/variants.py [--count 1000] [--profile-top 15]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import plistlib
import pstats
import time
from pathlib import Path
from typing import Any

import yaml

from profilegen.variants.pipeline import (
    Outcome,
    VariantFile,
    load_variant_file,
    parse_variant_file,
    render_variants,
)

# Stages of one variant: (module file, function) whose cumulative time is reported.
STAGES = {
    "merge + templates + config model (variant_config)": ("variants.py", "variant_config"),
    "  of which Jinja2 templates (render_value)": ("templating.py", "render_value"),
    "build + render + parse-back (generate)": ("generate.py", "generate"),
    "validate's rules (validate_bytes, before issue 12)": ("validate.py", "validate_bytes"),
    "validate's rules on the parsed-back value (check_value)": ("validate.py", "check_value"),
    "  of which plist XSD check (read.check_xml)": ("read.py", "check_xml"),
}
SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "departments.yaml"


def make_file(count: int) -> VariantFile:
    """The sample's base with ``count`` variants cycling through the sample's kinds of override."""
    raw: dict[str, Any] = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    kinds = raw["variants"]
    raw["variants"] = [dict(kinds[i % len(kinds)], name=f"Department {i:04d}", slug=f"dept-{i:04d}") for i in range(count)]
    return parse_variant_file(raw, source="bench")


def run(vf: VariantFile) -> list[Outcome]:
    outcomes = render_variants(vf, vf.variants, components=("login", "menubar"), style="mcx", fmt="mobileconfig")
    bad = [p for o in outcomes for p in o.problems]
    if bad:
        raise SystemExit(f"bench: a variant failed: {bad[0]}")
    return outcomes


def baseline(dicts: list[dict[str, Any]]) -> float:
    start = time.perf_counter()
    for d in dicts:
        plistlib.loads(plistlib.dumps(d))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--profile-top", type=int, default=15)
    args = parser.parse_args()

    load_variant_file(SAMPLE)  # warm: imports, catalog, XSD, compiled templates
    vf = make_file(args.count)
    run(make_file(5))

    start = time.perf_counter()
    outcomes = run(vf)
    elapsed = time.perf_counter() - start

    dicts = [plistlib.loads(d.data) for o in outcomes for d in o.documents]
    base = min(baseline(dicts) for _ in range(3))
    per_variant = elapsed / args.count
    base_per_variant = base / args.count
    print(f"{args.count} variants, {len(dicts)} profiles rendered and validated in {elapsed:.2f} s")
    print(f"per variant: {per_variant * 1e3:.3f} ms (render + validate, 2 profiles)")
    print(f"plistlib dumps+loads of the same dictionaries: {base_per_variant * 1e3:.3f} ms per variant")
    print(f"ratio: {per_variant / base_per_variant:.1f}x plistlib (goal: at most 20x)")

    profiler = cProfile.Profile()
    profiler.enable()
    run(make_file(min(args.count, 200)))
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).sort_stats("cumulative")
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    print("\nshare of the time (cProfile, 200 variants):")
    for label, func in STAGES.items():
        spent = sum(row[3] for (path, _, name), row in stats.stats.items() if name == func[1] and path.endswith(func[0]))  # type: ignore[attr-defined]
        print(f"  {label:<44} {spent / total:6.1%}")
    stats.print_stats(args.profile_top)
    print("\ntop functions (cumulative):")
    print("\n".join(line for line in text.getvalue().splitlines() if line.strip())[-4000:])


if __name__ == "__main__":
    main()
