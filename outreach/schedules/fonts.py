"""The Khmer font shipped as a Python package, so Khmer never renders as boxes offline."""

from __future__ import annotations

import shutil
from pathlib import Path


def khmer_font_file() -> Path:
    """Path of the packaged Noto Sans Khmer TrueType file."""
    import fontpkg_noto_sans_khmer as pkg

    files = sorted((Path(pkg.ROOT) / "files").glob("*.ttf"))
    if not files:
        raise FileNotFoundError("fontpkg-noto-sans-khmer ships no .ttf file")
    return files[0]


def copy_font(dest_dir: Path) -> str:
    """Copy the Khmer font beside HTML outputs; returns the relative file name to use in CSS."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    src = khmer_font_file()
    name = "NotoSansKhmer.ttf"
    shutil.copyfile(src, dest_dir / name)
    return name
