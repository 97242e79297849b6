"""Where the shipped files in resources/ are: beside the source tree, or inside a frozen bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path | None:
    frozen = getattr(sys, "_MEIPASS", None)
    candidates = [Path(frozen) / "resources"] if frozen else []
    candidates.append(Path(__file__).resolve().parents[2] / "resources")  # src/caredesk -> repo root
    return next((p for p in candidates if p.is_dir()), None)


def resource(name: str) -> Path | None:
    folder = resources_dir()
    path = folder / name if folder else None
    return path if path is not None and path.exists() else None
