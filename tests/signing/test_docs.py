"""docs/signing.md's worked example runs as written (in a scratch directory with the samples)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SAMPLES


def test_worked_example_runs(openssl, tmp_path: Path) -> None:
    text = (ROOT / "docs" / "signing.md").read_text(encoding="utf-8")
    section = text.split("## Worked example", 1)[1]
    script = re.search(r"```sh\n(.*?)```", section, re.S)
    assert script is not None
    shutil.copytree(SAMPLES, tmp_path / "samples")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    env.pop("PROFILEGEN_KEY_PASSWORD", None)
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script.group(1)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 file(s): 2 verified" in done.stdout and "Verification successful" in done.stderr
    assert len(list((tmp_path / "signed").glob("*.mobileconfig"))) == 2


def test_readme_links_to_the_signing_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`sign` / `verify`" in readme and "(docs/signing.md)" in readme


def test_strangers_section_states_the_bounds_in_the_code() -> None:
    from profilegen.core.stdin import MAX_LINE
    from profilegen.profile.read import MAX_BYTES
    from profilegen.signing.cms import MAX_CERTIFICATES, MAX_SIGNERS
    from profilegen.signing.trust import MAX_CHAIN_DEPTH

    text = (ROOT / "docs" / "signing.md").read_text(encoding="utf-8")
    section = text.split("## Signatures from strangers", 1)[1].split("\n## ", 1)[0]
    for claim in (f"| the first **{MAX_CERTIFICATES}** |", f"| the first **{MAX_SIGNERS}** |", f"{MAX_BYTES >> 20} MiB",
                  f"at most {MAX_LINE >> 10} KiB", f"chain depth of at most {MAX_CHAIN_DEPTH}",
                  f"only the first {MAX_CERTIFICATES} were looked at"):
        assert claim in section, claim
