"""The Khmer font, embedded in every HTML output so one sheet can travel alone and still read in Khmer.

The font comes from the ``fontpkg-noto-sans-khmer`` package (SIL Open Font
License). Embedding the whole variable font (360 kB) in hundreds of weekly
sheets would be heavy, so the pages carry a static Regular instance subset to
the Khmer blocks, Latin-1 and common punctuation: about 28 kB as WOFF, built
once per process. Bold is synthesised by the browser and by WeasyPrint.
Timestamps are not recalculated, so the same font bytes come out on every run.
"""

from __future__ import annotations

import base64
import io
import os
from functools import lru_cache
from pathlib import Path

#: The CSS family name of the embedded font, listed first by every stylesheet. Not "Noto Sans Khmer": where
#: that font is installed, WeasyPrint took the system's Bold file for bold text and drew the embedded
#: subset's glyph numbers with it, so bold words printed as wrong letters in the PDFs; a name of its own
#: keeps every weight on the embedded font (bold is then synthesised).
KHMER_FAMILY = "OWSO Khmer"

#: Code points kept: Latin-1, general punctuation, Khmer and Khmer symbols (the joiners are in the punctuation).
_RANGES = ((0x20, 0xFF), (0x2000, 0x206F), (0x1780, 0x17FF), (0x19E0, 0x19FF), (0x25CC, 0x25CC))


def khmer_font_file() -> Path:
    """Path of the packaged Noto Sans Khmer TrueType (variable) file."""
    import fontpkg_noto_sans_khmer as pkg

    files = sorted((Path(pkg.ROOT) / "files").glob("*.ttf"))
    if not files:
        raise FileNotFoundError("fontpkg-noto-sans-khmer ships no .ttf file")
    return files[0]


def _cache_file() -> Path:
    """Where the built subset is kept between runs (building it takes 2-5 s): the user's cache folder."""
    import fontTools

    src = khmer_font_file()
    key = f"{src.stat().st_size}-{int(src.stat().st_mtime)}-{fontTools.version}-{len(_RANGES)}"
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "owso-outreach" / f"khmer-{key}.woff"


@lru_cache(maxsize=1)
def khmer_woff() -> bytes:
    """The embedded font: a static Regular (wght 400) instance, subset, as WOFF bytes (deterministic).

    Built once and kept in the user's cache folder; a cache that cannot be read or written is skipped.
    """
    cache = _cache_file()
    try:
        return cache.read_bytes()
    except OSError:
        pass
    data = _build_woff()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, cache)
    except OSError:
        pass  # a read-only home: build again next time
    return data


def _build_woff() -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(khmer_font_file(), recalcTimestamp=False)
    if "fvar" in font:
        axes = {a.axisTag: a.defaultValue for a in font["fvar"].axes}
        font = instancer.instantiateVariableFont(font, axes | {"wght": 400.0})
    options = subset.Options()
    options.layout_features = ["*"]  # Khmer needs its ligature and mark features to shape at all
    options.flavor = "woff"
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for lo, hi in _RANGES for c in range(lo, hi + 1)])
    subsetter.subset(font)
    font.recalcTimestamp = False
    font.flavor = "woff"
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


@lru_cache(maxsize=1)
def khmer_font_src() -> str:
    """The CSS ``src`` value of the embedded font: a data URL, no file beside the page."""
    return f'url("data:font/woff;base64,{base64.b64encode(khmer_woff()).decode("ascii")}") format("woff")'


def khmer_font_face() -> str:
    """A complete ``@font-face`` rule for :data:`KHMER_FAMILY`, embedded."""
    return f'@font-face {{ font-family: "{KHMER_FAMILY}"; src: {khmer_font_src()}; }}'
