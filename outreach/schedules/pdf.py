"""The schedules' PDFs: WeasyPrint on forked processes, the same bytes on every run, optionally started ahead.

Why a module of their own: the PDFs cost more than every other output
together (about 1.3 s of one core per pair's twelve pages, 3 s for the
coordinator's overview; WeasyPrint's layout is pure Python). So

* the documents are split over two processes by size, biggest first (the
  overview no longer starts last and leaves one core idle at the end);
* each process loads the embedded Khmer font once (:func:`_font_stylesheet`)
  instead of parsing and loading it from every document's stylesheet;
* the pipeline can start them as soon as the roster is known
  (:func:`render_ahead`), while the margins and the simulation run; writing
  then takes a document's bytes only when its html is exactly the html it
  would render (:meth:`PendingPdfs.take`), so the files do not depend on it.

Same bytes on every run: WeasyPrint subsets the fonts with fontTools, which
stamps each subset with the current time unless ``SOURCE_DATE_EPOCH`` is set;
rendering fixes it (:data:`FONT_EPOCH`), so two runs of a scenario write the
same PDFs.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..fonts import khmer_font_face
from ..parallel import Ahead, fork_ahead, fork_map, usable_workers

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

#: A document: its file name relative to the schedules folder, and its html without the @font-face rule.
PdfDoc = tuple[str, str]

#: The timestamp (seconds since 1970) fontTools writes into the PDFs' font subsets: fixed, for the same bytes.
FONT_EPOCH = "0"

#: Processes the PDFs are rendered on (two cores are what a district office's laptop has).
PDF_WORKERS = 2


@contextmanager
def _fixed_font_timestamp() -> Iterator[None]:
    """``SOURCE_DATE_EPOCH`` set to :data:`FONT_EPOCH` for the duration, then put back as it was."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = FONT_EPOCH
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


@lru_cache(maxsize=1)
def _font_stylesheet() -> tuple[CSS, FontConfiguration]:
    """The embedded Khmer font's @font-face rule (:func:`outreach.fonts.khmer_font_face`) parsed and loaded once
    per process, with the font configuration that holds it (forked workers inherit both)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    with _fixed_font_timestamp():  # WeasyPrint re-saves the loaded font with fontTools here too
        return CSS(string=khmer_font_face(), font_config=fonts), fonts


# Dropped while the interpreter still runs: WeasyPrint's FontConfiguration removes its font folder when deleted,
# and deleted during the interpreter's teardown it raised ("Exception ignored ... NoneType") after every run.
atexit.register(_font_stylesheet.cache_clear)


def render_pdf(html: str) -> bytes:
    """One document's PDF bytes: ``html`` (whose stylesheet leaves the @font-face rule out:
    ``css(embed_font=False)``) with the embedded font's rule added.

    The documents are self-contained (inline SVG, embedded font, no links), so no base URL is given: the bytes
    do not depend on the folder they are written to.
    """
    from weasyprint import HTML

    style, fonts = _font_stylesheet()
    with _fixed_font_timestamp():
        return bytes(HTML(string=html).write_pdf(stylesheets=[style], font_config=fonts))


def _render_share(_shared: None, htmls: Sequence[str]) -> list[bytes]:
    """:func:`render_pdf` of each document of one process's share."""
    return [render_pdf(h) for h in htmls]


def shares(sizes: Sequence[int], n: int) -> list[list[int]]:
    """Document indices split over ``n`` processes, biggest first, each to the least loaded (by html length).

    Ties go to the lower process and the lower index, so the split is the same on every run.
    """
    load = [0] * n
    out: list[list[int]] = [[] for _ in range(n)]
    for i in sorted(range(len(sizes)), key=lambda i: (-sizes[i], i)):
        k = min(range(n), key=lambda k: (load[k], k))
        out[k].append(i)
        load[k] += sizes[i]
    return [s for s in out if s]


def render_all(htmls: Sequence[str], *, workers: int = PDF_WORKERS) -> list[bytes]:
    """:func:`render_pdf` of every document, in the order given, on up to ``workers`` forked processes."""
    n = usable_workers(workers, len(htmls))
    if n <= 1:
        return [render_pdf(h) for h in htmls]
    _font_stylesheet()  # parsed here once, inherited by the workers
    split = shares([len(h) for h in htmls], n)
    done = fork_map(_render_share, [[htmls[i] for i in s] for s in split], shared=None, workers=n)
    out: dict[int, bytes] = {}
    for s, got in zip(split, done):
        out.update(zip(s, got))
    return [out[i] for i in range(len(htmls))]


class PendingPdfs:
    """PDFs being rendered on forked processes (:func:`render_ahead`); :meth:`take` each, then :meth:`close`."""

    def __init__(self, docs: Sequence[PdfDoc], jobs: Sequence[tuple[list[int], Ahead]]) -> None:
        self._docs = dict(docs)
        self._names = [name for name, _ in docs]
        self._jobs = list(jobs)
        self._bytes: dict[str, bytes] | None = None

    def _collect(self) -> dict[str, bytes]:
        if self._bytes is None:
            got: dict[str, bytes] = {}
            jobs, self._jobs = self._jobs, []
            try:
                for idx, job in jobs:
                    rendered = job.result()
                    assert isinstance(rendered, list)
                    got.update((self._names[i], b) for i, b in zip(idx, rendered))
            finally:
                for _idx, job in jobs:
                    job.cancel()  # reaps what is left if one raised (a no-op on a collected job)
            self._bytes = got
        return self._bytes

    def take(self, name: str, html: str) -> bytes | None:
        """The bytes rendered for ``name`` when they were rendered from exactly ``html``; None otherwise.

        Waits for the renderers the first time.
        """
        if self._docs.get(name) != html:
            return None
        return self._collect().get(name)

    def close(self) -> None:
        """Stop whatever is still rendering (nothing more will be taken) and reap the processes."""
        jobs, self._jobs = self._jobs, []
        for _idx, job in jobs:
            job.cancel()


def render_ahead(docs: Sequence[PdfDoc], *, workers: int = PDF_WORKERS) -> PendingPdfs | None:
    """Start rendering ``docs`` on up to ``workers`` forked processes and return at once.

    None when no process can be forked here (one core, no ``fork``, or inside a worker) or there is nothing
    to render: the PDFs are then rendered when written.
    """
    n = usable_workers(workers, len(docs))
    if n < 2:
        return None
    _font_stylesheet()
    split = shares([len(h) for _, h in docs], n)
    jobs: list[tuple[list[int], Ahead]] = []
    for s in split:
        job = fork_ahead(_render_share, [docs[i][1] for i in s], shared=None)
        if job is None:
            PendingPdfs(docs, jobs).close()
            return None
        jobs.append((s, job))
    return PendingPdfs(docs, jobs)


def write_pdfs(docs: Sequence[PdfDoc], out_dir: Path, *, ahead: PendingPdfs | None = None,
               workers: int = PDF_WORKERS) -> list[Path]:
    """Write each document's PDF under ``out_dir``: from ``ahead`` when it rendered that very html, else rendered
    now (:func:`render_all`). ``ahead`` is closed either way."""
    try:
        got: dict[str, bytes | None] = {name: ahead.take(name, html) if ahead is not None else None
                                        for name, html in docs}
    finally:
        if ahead is not None:
            ahead.close()
    missing = [(name, html) for name, html in docs if got[name] is None]
    got.update(zip((name for name, _ in missing), render_all([h for _, h in missing], workers=workers)))
    paths = []
    for name, _html in docs:
        path = Path(out_dir) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = got[name]
        assert data is not None
        path.write_bytes(data)
        paths.append(path)
    return paths
