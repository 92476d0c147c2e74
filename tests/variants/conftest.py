"""Fixtures for the variants and diff tests: a CLI runner and a small variants file on disk."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from profilegen.cli import app

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

TENANT = "contoso.onmicrosoft.com"
CLIENT = "00000000-0000-4000-8000-00000000000a"


def make_base(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "organization": "Contoso",
        "identifier": "com.contoso.jamfconnect",
        "azure": {"tenant": TENANT, "client_id": CLIENT, "admin_roles": ["MacAdmin"]},
        "login": {"LoginWindowMessage": "Welcome to {{ variant.name }}", "DenyLocal": True, "Migrate": True},
        "menubar": {"SignIn": {"AutoAuthenticate": True}},
        "variants": [{"name": "Engineering"}, {"name": "Sales"}, {"name": "HR"}],
    }
    data.update(extra)
    return data


@pytest.fixture
def base_config() -> Callable[..., dict[str, Any]]:
    """A fresh base config with three variants; keyword arguments replace top-level fields."""
    return make_base


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def run(runner: CliRunner) -> Callable[..., Any]:
    def invoke(*args: str | Path, stdin: bytes | None = None) -> Any:
        return runner.invoke(app, [str(a) for a in args], input=stdin)

    return invoke


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    def write(data: dict[str, Any], name: str = "departments.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    return write


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """samples/departments.yaml, copied so that a test can never change the original."""
    return Path(shutil.copy(SAMPLES / "departments.yaml", tmp_path / "departments.yaml"))
