"""Build Crucible's desktop bundle with PyInstaller: one script for every platform.

`make bundle` runs it on Linux; .github/workflows/bundle.yml runs it on
Windows, macOS and Linux runners. It freezes packaging/crucible.spec into
`dist/crucible/` (one folder: the `crucible` program and everything it
loads, no Python needed), adds the .desktop file, its installer script and
the icon on Linux, and refuses a bundle above the size budget (decision 0023).

Run: .venv/bin/python packaging/build_bundle.py [--dist DIR] [--work DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
BUDGET_MB = 250


def folder_size(folder: Path) -> int:
    """Bytes of every file under `folder` (unpacked, as on the clinician's disk)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def drop_qt_translations(bundle: Path) -> None:
    """Qt's own translations: the app is in English, so Qt's dialogs stay in English too."""
    for folder in bundle.rglob("PySide6/Qt/translations"):
        shutil.rmtree(folder)


def drop_qt_image_plugins(bundle: Path) -> None:
    """Qt's JPEG, GIF, TIFF, WebP... readers: the app shows only PNGs (built into QtGui)."""
    for plugin in bundle.rglob("PySide6/Qt/plugins/imageformats/*"):
        if "svg" not in plugin.name:
            plugin.unlink()


def add_desktop_files(bundle: Path) -> None:
    """Linux: the .desktop entry, its per-user installer, and the icon beside the program."""
    shutil.copy2(PACKAGING / "crucible.desktop", bundle / "crucible.desktop")
    shutil.copy2(PACKAGING / "install-desktop-entry.sh", bundle / "install-desktop-entry.sh")
    shutil.copy2(ROOT / "resources" / "icons" / "crucible-256.png", bundle / "crucible.png")


def main(argv: list[str] | None = None) -> int:
    """Build, add the platform's files, check the budget; exit status 1 over budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    args = parser.parse_args(argv)
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(args.dist),
            "--workpath",
            str(args.work),
            str(PACKAGING / "crucible.spec"),
        ],
        check=True,
    )
    bundle = args.dist / "crucible"
    drop_qt_translations(bundle)
    drop_qt_image_plugins(bundle)
    if sys.platform.startswith("linux"):
        add_desktop_files(bundle)
    size_mb = folder_size(bundle) / 1e6
    print(
        f"bundle: {bundle} {size_mb:.1f} MB unpacked, built in {time.monotonic() - started:.0f} s"
    )
    if size_mb > BUDGET_MB:
        print(f"the bundle is over its {BUDGET_MB} MB budget", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
