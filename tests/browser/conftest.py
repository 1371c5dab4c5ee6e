"""Headless Chromium (Debian's, driven by Playwright) under a fontconfig with no Khmer font.

Chromium then has only DejaVu Sans to fall back on: Khmer text shows with the
font a page embeds, or as boxes. In CI (``CI=true``) a missing browser fails the
run instead of skipping it: ``.ci/run`` installs Debian's ``chromium``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _no_khmer_fontconfig(folder: Path) -> Path:
    """A fontconfig that knows DejaVu Sans only (no system Khmer font to fall back on)."""
    fonts = folder / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    dejavu = next(iter(sorted(Path("/usr/share/fonts").rglob("DejaVuSans.ttf"))), None)
    if dejavu is not None:
        shutil.copyfile(dejavu, fonts / "DejaVuSans.ttf")
    conf = folder / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                    f"<fontconfig><dir>{fonts}</dir><cachedir>{folder / 'cache'}</cachedir></fontconfig>\n",
                    encoding="utf-8")
    return conf


@pytest.fixture(scope="session")
def browser(tmp_path_factory) -> Iterator[object]:
    exe = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None  # type: ignore[assignment]
    if exe is None or sync_playwright is None:
        if os.environ.get("CI"):
            pytest.fail("browser tests need Debian's chromium and the playwright package (.ci/run installs them)")
        pytest.skip("chromium or playwright not installed")
    conf = _no_khmer_fontconfig(tmp_path_factory.mktemp("fontconfig"))
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu"],
                              env={**os.environ, "FONTCONFIG_FILE": str(conf)})
        yield b
        b.close()
