"""docs/ca-check.md: its examples run as written, its sample output is what the command prints.

The policies come from the corpus; the --graph lines run against the Graph look-alike
(tests/entra/graph_fake.py), with the `az ...` / `printenv ...` before the pipe standing for the
token or secret the test pipes in."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.entra.conftest import run_cli
from tests.entra.graph_fake import SECRET, TOKEN, FakeGraph, fake_graph, graph_args  # noqa: F401

PAGE = ROOT / "docs" / "ca-check.md"
CORPUS = Path(__file__).parent / "ca_corpus"


def block(lang: str) -> str:
    found = re.search(rf"```{lang}\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)
    assert found, f"docs/ca-check.md has no {lang} block"
    return found.group(1)


def corpus(*names: str) -> list[dict[str, object]]:
    return [json.loads((CORPUS / f"{n}.json").read_text(encoding="utf-8")) for n in names]


def test_ca_check_page_examples_run(fake_graph: FakeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "policies.json").write_text(json.dumps({"value": corpus(
        "05-api-app-mfa", "28-register-security-info", "11-disabled-all-mfa", "12-report-only-all-mfa")}), encoding="utf-8")
    (tmp_path / "ca-backup").mkdir()
    for name, policy in zip(("a", "b", "c"), corpus("02-all-resources-mfa-exclude-api", "05-api-app-mfa", "14-block-all")):
        (tmp_path / "ca-backup" / f"{name}.json").write_text(json.dumps(policy), encoding="utf-8")
    fake_graph.policies = corpus("05-api-app-mfa", "28-register-security-info", "13-report-only-api-mfa")

    lines = [line for line in block("sh").splitlines() if line.strip()]
    assert len(lines) == 5
    codes, outputs = [], []
    for line in lines:
        stdin = None
        if " | " in line:
            source, line = line.split(" | ", 1)
            stdin = {"az": TOKEN, "printenv": SECRET}[source.split()[0]] + "\n"
        args = shlex.split(line)
        assert args[0] == "profilegen"
        if "--graph" in args:
            args += graph_args(fake_graph)
        done = run_cli(args[1:], input=stdin)
        assert TOKEN not in done.stdout + done.stderr and SECRET not in done.stdout + done.stderr
        codes.append(done.exit_code)
        outputs.append(done)
    assert codes == [0, 0, 1, 0, 0], [o.stderr for o in outputs]
    # The page's sample output is the second line's, exactly.
    assert outputs[1].stdout == block("text")
    assert "report-only policies would contradict the design once enabled" in outputs[1].stderr
    doc = json.loads(outputs[2].stdout)
    assert doc["design"] == "B" and doc["fits"] is False
    assert [p["verdicts"]["ropg"] for p in doc["policies"]] == ["not-applicable", "mfa-on-ropg", "blocks"]
    assert [r["method"] for r in fake_graph.requests].count("POST") == 1  # the client-credentials line got a token
