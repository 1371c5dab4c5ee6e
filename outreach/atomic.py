"""Atomic output: write into a temporary sibling folder, rename into place at the end.

A failed run leaves nothing behind, and a reader never sees a half-written folder:

* the previous output stays whole until the new one is complete (a run killed
  with ``kill -9`` leaves it untouched; the next run removes the dead run's
  temporary folders);
* two runs writing to one folder at once: the second is refused while the
  first holds the folder's lock;
* a full disk, a read-only or unusable parent folder give an
  :class:`~outreach.errors.OutputError` naming the folder, and nothing partial;
* files get mode ``0666 & ~umask`` and folders ``0777 & ~umask`` (0644 and
  0755 under the usual umask 022), as if written directly, so others on the
  machine can read what the district office shares.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

#: Errors of the file system that a user can act on (free space, permissions, a file where a folder should be).
_USER_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EEXIST,
                errno.EISDIR, errno.ENAMETOOLONG, errno.EFBIG}


def _umask() -> int:
    """The process's umask (read by setting and restoring it: there is no other portable way)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _explain(exc: OSError, where: Path) -> OutputError:
    """An :class:`OutputError` a district officer can act on, for a file-system error."""
    hint = {errno.ENOSPC: "the disk is full; free some space", errno.EDQUOT: "the disk quota is used up",
            errno.EROFS: "the folder is on a read-only disk", errno.EACCES: "you may not write there",
            errno.EPERM: "you may not write there"}.get(exc.errno or 0, exc.strerror or str(exc))
    return OutputError(f"cannot write the outputs: {hint}; nothing was written", file=str(where))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_leftovers(target: Path) -> None:
    """Remove temporary folders of earlier runs on ``target`` whose process is gone (killed, power cut)."""
    for p in target.parent.glob(f".{target.name}.*"):
        parts = p.name[len(target.name) + 2:].split(".")
        kind_pid = (parts[0], parts[1]) if len(parts) >= 2 else ("", "")
        if kind_pid[0] in ("tmp", "old") and kind_pid[1].isdigit() and not _pid_alive(int(kind_pid[1])):
            shutil.rmtree(p, ignore_errors=True)


@contextmanager
def _locked(target: Path) -> Iterator[None]:
    """Hold ``target``'s lock (a hidden file beside it) or refuse: another run is writing there."""
    lock = target.parent / f".{target.name}.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError("another run is writing to this folder now; wait for it to finish or choose "
                              "another --out", file=str(target)) from None
        yield
    finally:
        os.close(fd)


def _parent(target: Path) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {target.parent} ({exc.strerror})", file=str(target)) from None
    if target.exists() and not target.is_dir():
        raise OutputError("this is a file, not a folder; choose another --out", file=str(target))


@contextmanager
def atomic_dir(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a fresh temporary folder that replaces ``target`` only on success.

    Parameters
    ----------
    target : path
        The output folder. An existing folder is replaced as a whole.

    Yields
    ------
    Path
        The temporary folder to write into (same file system as ``target``).

    Raises
    ------
    OutputError
        Another run is writing to ``target``, or the file system refuses (full, read-only, no permission).
    """
    target = Path(target).resolve()
    _parent(target)
    try:
        with _locked(target):
            _clean_leftovers(target)
            tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp.{os.getpid()}.", dir=target.parent))
            tmp.chmod(0o777 & ~_umask())
            try:
                yield tmp
                _swap(tmp, target)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
    except OSError as exc:
        if exc.errno in _USER_ERRNOS:
            raise _explain(exc, target) from None
        raise


def _swap(tmp: Path, target: Path) -> None:
    """Put ``tmp`` in place of ``target``; the old folder is removed only once the new one is there."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old.{os.getpid()}")
        os.replace(target, old)
    os.replace(tmp, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Write a text file through a temporary file and an atomic rename (mode ``0666 & ~umask``)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        if exc.errno in _USER_ERRNOS:
            raise _explain(exc, path) from None
        raise
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno in _USER_ERRNOS:
            raise _explain(exc, path) from None
        raise
    return path
