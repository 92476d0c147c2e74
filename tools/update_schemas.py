"""Rewrite schemas/*.schema.json from the models and the key catalog (tests/ci/test_schema.py checks them)."""

import json
from pathlib import Path

from profilegen.variants.schema import SCHEMAS

root = Path(__file__).resolve().parents[1] / "schemas"
root.mkdir(exist_ok=True)
for name, build in SCHEMAS.items():
    (root / f"{name}.schema.json").write_text(json.dumps(build(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
