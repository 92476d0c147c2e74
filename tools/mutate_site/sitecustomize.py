"""Loaded by Python at start-up when tools/mutate.py puts this folder on PYTHONPATH: a
subprocess that a test starts (the CLI, a worker) sees the same mutant as the test itself."""

import os

if os.environ.get("PROFILEGEN_MUTANT"):
    import importlib.util
    import sys
    from pathlib import Path

    _spec = importlib.util.spec_from_file_location("_profilegen_mutate", Path(__file__).resolve().parents[1] / "mutate.py")
    _mutate = importlib.util.module_from_spec(_spec)
    sys.modules[_spec.name] = _mutate  # dataclasses look their module up there
    _spec.loader.exec_module(_mutate)
    _mutate.install(os.environ["PROFILEGEN_MUTANT"])
