"""What the benchmarks share: importing a scorer script from the shared tools folder, pinning one core."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TOOLS = ROOT.parent / "shared" / "tools"  # override with --tools-dir
CORPORA = ROOT / "tests" / "fixtures" / "corpora"  # the bundled public corpora


def load_scorer(tools_dir: Path, name: str) -> ModuleType:
    """Import the scorer ``<tools_dir>/<name>.py`` (a script, not a package)."""
    path = tools_dir / f"{name}.py"
    if not path.is_file():
        raise SystemExit(f"scorer not found: {path} (give --tools-dir)")
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def pin_one_core(cpu: int | None) -> str:
    """Run on one core, so that no extractor gains from a second one (lxml and Python do not)."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    allowed = sorted(os.sched_getaffinity(0))
    chosen = cpu if cpu is not None else allowed[-1]
    os.sched_setaffinity(0, {chosen})
    return f"pinned to CPU {chosen}"
