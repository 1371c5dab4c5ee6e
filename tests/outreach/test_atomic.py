"""Faults while writing outputs: kill -9, a full disk, two runs at once, an unusable parent, file modes."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outreach.atomic import atomic_dir, atomic_write_text
from outreach.cli import app
from outreach.errors import OutputError

runner = CliRunner()


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def _leftovers(parent: Path, name: str) -> list[str]:
    return sorted(p.name for p in parent.glob(f".{name}.*") if not p.name.endswith(".lock"))


@pytest.mark.parametrize("mask", [0o022, 0o027])
def test_modes_follow_the_umask(tmp_path, mask):
    old = os.umask(mask)
    try:
        with atomic_dir(tmp_path / "out") as tmp:
            (tmp / "plain.txt").write_text("a", encoding="utf-8")
            atomic_write_text(tmp / "sub" / "atomic.html", "b")
    finally:
        os.umask(old)
    out = tmp_path / "out"
    assert _mode(out) == 0o777 & ~mask and _mode(out / "sub") == 0o777 & ~mask
    assert _mode(out / "plain.txt") == 0o666 & ~mask and _mode(out / "sub" / "atomic.html") == 0o666 & ~mask


def test_full_disk_is_exit_2_and_nothing_partial(tmp_path, monkeypatch):
    """ENOSPC injected at the third file: exit 2, a message, the previous output untouched, no leftovers."""
    res = runner.invoke(app, ["init", "0203", str(tmp_path / "btb")])
    assert res.exit_code == 0, res.output
    before = {p.name: p.read_bytes() for p in (tmp_path / "btb").iterdir()}
    real = Path.write_text
    calls = []

    def full(self, *args, **kwargs):
        calls.append(self.name)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    res = runner.invoke(app, ["init", "0203", str(tmp_path / "btb")])
    assert res.exit_code == 2, res.output
    assert "disk is full" in res.output and "Traceback" not in res.output
    assert {p.name: p.read_bytes() for p in (tmp_path / "btb").iterdir()} == before
    assert _leftovers(tmp_path, "btb") == []
    res = runner.invoke(app, ["init", "0203", str(tmp_path / "fresh")])
    assert res.exit_code == 0  # the fourth call onwards writes again: the failure was the injected one only


def test_two_runs_on_one_folder(tmp_path):
    """While one run holds the folder, a second is refused and says why; the first then completes."""
    with atomic_dir(tmp_path / "out") as tmp:
        (tmp / "first.txt").write_text("first", encoding="utf-8")
        with pytest.raises(OutputError, match="another run is writing"):
            with atomic_dir(tmp_path / "out"):
                pass
    assert (tmp_path / "out" / "first.txt").read_text(encoding="utf-8") == "first"


def test_parent_that_is_a_file_or_refuses(tmp_path, monkeypatch):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    res = runner.invoke(app, ["init", "0203", str(tmp_path / "afile" / "btb")])
    assert res.exit_code == 2 and "cannot create the folder" in res.output
    res = runner.invoke(app, ["init", "0203", str(tmp_path / "afile")])
    assert res.exit_code == 2 and "not a folder" in res.output

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("tempfile.mkdtemp", read_only)
    res = runner.invoke(app, ["init", "0203", str(tmp_path / "ro")])
    assert res.exit_code == 2 and "read-only" in res.output and "Traceback" not in res.output


_SLOW_WRITER = """
import sys, time
from pathlib import Path
from outreach.atomic import atomic_dir
with atomic_dir(sys.argv[1]) as tmp:
    (tmp / "half.txt").write_text("half", encoding="utf-8")
    print("writing", flush=True)
    time.sleep(60)
"""


def test_kill_9_keeps_the_previous_output_and_the_next_run_cleans_up(tmp_path):
    out = tmp_path / "out"
    with atomic_dir(out) as tmp:
        (tmp / "good.txt").write_text("previous", encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_WRITER, str(out)], stdout=subprocess.PIPE, text=True,
                            cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert sorted(p.name for p in out.iterdir()) == ["good.txt"]  # untouched
    assert len(_leftovers(tmp_path, "out")) == 1  # the dead run's temporary folder
    deadline = time.monotonic() + 10
    with atomic_dir(out) as tmp:
        (tmp / "new.txt").write_text("next", encoding="utf-8")
    assert time.monotonic() < deadline
    assert sorted(p.name for p in out.iterdir()) == ["new.txt"]
    assert _leftovers(tmp_path, "out") == []
