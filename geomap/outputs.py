"""The output folder as one unit.

Every command that writes (build, extract, export, snapshot) assembles its whole output set in
a fresh folder beside ``--out`` and puts it in place of ``--out`` in one step (Linux's
``renameat2(RENAME_EXCHANGE)``), so that a reader, a crash, Ctrl-C, ``kill -9`` or a full disk
finds the previous set or the new one, never a mix. ``--out`` stays an ordinary folder, so
``output/map.html`` is where it always was. Files of the previous set that a command does not
rewrite (another command's outputs, the user's own files) are carried over as hard links, and
what a killed run left behind is removed by the next one. An output folder that would land on
the data folder's inputs is refused before any work.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import secrets
import shutil
import signal
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from geomap.campaign import ARTICLES_NAME, BASEMAP_NAME, GAZETTEER_NAME, PROFILE_NAME
from geomap.exc import GeomapError, UsageError

# what a command reads from the data folder (events.csv: the analyst's curation)
INPUT_NAMES = (PROFILE_NAME, GAZETTEER_NAME, "events.csv", ARTICLES_NAME, BASEMAP_NAME)
# temporaries of single-file writes (``pipeline.atomic_write``, the GeoPackage's) that a killed
# run of an earlier version left inside the output folder: never carried over
_LEFTOVER = re.compile(r"\..+\.tmp|\.campaign\.partial\.gpkg")
_STAGING = ".{name}.geomap-"  # + pid and a random token: a new set being written, or an old one
_PREVIOUS = ".{name}.geomap-previous"  # the old set while two plain renames switch the sets

#: The output folders this process has switched to a new set (the CLI says so if interrupted).
SWITCHED: list[Path] = []


class OutputError(GeomapError):
    """The new output set could not be written; the previous set is left as it was."""


def _real(path: str | Path) -> Path:
    return Path(os.path.realpath(path))


def _within(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def check_out_dir(out_dir: str | Path, data_dir: str | Path | None = None) -> None:
    """Refuse (exit 2) an output folder that is, holds or lies inside one of the data folder's
    inputs, that holds the current folder, or that is a mount point (it is replaced whole)."""
    out = _real(out_dir)
    if data_dir is not None:
        data = _real(data_dir)
        for name in INPUT_NAMES:
            entry = data / name
            relation = (
                "is"
                if out == entry
                else "holds"
                if _within(entry, out)
                else "is inside"
                if _within(out, entry)
                else None
            )
            if relation:
                raise UsageError(
                    f"the output folder {relation} the input {Path(data_dir) / name}: "
                    "outputs must never land on an input",
                    file=out_dir,
                    field="--out",
                    hint="write the outputs to a folder outside the data folder's inputs, "
                    "e.g. --out output",
                )
    if _within(_real(Path.cwd()), out):
        raise UsageError(
            "the output folder is the current folder or holds it: geomap replaces its output "
            "folder as a whole",
            file=out_dir,
            field="--out",
            hint="give the outputs a folder of their own, e.g. --out output",
        )
    if out.is_dir() and os.path.ismount(out):
        raise UsageError(
            "the output folder is a mount point, which cannot be switched in one step",
            file=out_dir,
            field="--out",
            hint=f"use a folder inside it, e.g. --out {Path(out_dir) / 'output'}",
        )


@contextmanager
def output_set(out_dir: str | Path) -> Iterator[Path]:
    """A fresh folder beside ``out_dir`` holding the current set's files (hard links): write
    the new outputs into it as new files (``pipeline.atomic_write``), never into a carried-over
    one. When the block ends it becomes ``out_dir`` in one step; on an error, an interrupt or a
    full disk it is removed and ``out_dir`` stays as it was (an OSError becomes an
    :class:`OutputError` saying so)."""
    check_out_dir(out_dir)
    target = _real(out_dir)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _output_error(error, out_dir, None) from None
    with _locked(target.parent):
        staging: Path | None = None
        try:
            _clean_leftovers(target)
            staging = _fresh_beside(target)
            if target.is_dir():
                _carry_over(target, staging)
            yield staging
            _fsync(staging)
            with _no_interrupt():  # the switch and its record: an interrupt comes after both
                _switch(staging, target)  # from here on, ``staging`` holds the previous set
                SWITCHED.append(Path(out_dir))
            with suppress(OSError):  # the new set is in place whatever the flush says
                _fsync(target.parent)
        except OSError as error:
            raise _output_error(error, out_dir, staging) from None
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)


def _output_error(error: OSError, out_dir: str | Path, staging: Path | None) -> OutputError:
    """The OSError in words that name the output folder, not the folder being written."""
    name = str(error.filename or "")
    if staging is not None and name.startswith(str(staging)):
        name = str(Path(out_dir)) + name[len(str(staging)) :]
    code = error.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        hint = "free some space on that disk, or write to another --out folder"
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = (
            "geomap writes the new outputs beside the output folder before switching them in: "
            f"it needs write access to {Path(out_dir).parent}"
        )
    else:
        hint = "check the path and its permissions"
    what = f"{error.strerror or error}" + (f" ({name})" if name else "")
    return OutputError(
        f"could not write the outputs: {what}; {out_dir} is left as it was",
        file=out_dir,
        hint=hint,
    )


@contextmanager
def _no_interrupt() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) back until the block ends."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (commands writing there wait for each other)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
        except OSError as error:  # a file system without locks: the switch is still one step
            if error.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                raise
        yield
    finally:
        os.close(handle)  # releases the lock


def _clean_leftovers(target: Path) -> None:
    """Remove the sets a killed run left beside ``target`` (under the lock, no other run is
    writing one); put the previous set back if a run was killed between two plain renames."""
    previous = target.with_name(_PREVIOUS.format(name=target.name))
    if previous.is_dir() and not os.path.lexists(target):
        os.rename(previous, target)
    prefix = _STAGING.format(name=target.name)
    for entry in target.parent.iterdir():
        if entry.name.startswith(prefix):
            shutil.rmtree(entry, ignore_errors=True)


def _fresh_beside(target: Path) -> Path:
    """A new empty folder beside ``target``, with its permissions."""
    name = f"{_STAGING.format(name=target.name)}{os.getpid()}-{secrets.token_hex(4)}"
    folder = target.with_name(name)
    os.mkdir(folder)
    if target.is_dir():
        os.chmod(folder, stat.S_IMODE(target.stat().st_mode))
    return folder


def _carry_over(source: Path, folder: Path) -> None:
    """The files of the current set into ``folder`` as hard links (a copy where the file
    system has none), without the temporaries of earlier runs."""
    for entry in os.scandir(source):
        if _LEFTOVER.fullmatch(entry.name):
            continue
        path, copy = Path(entry.path), folder / entry.name
        if entry.is_symlink():
            os.symlink(os.readlink(path), copy)
        elif entry.is_dir():
            if os.path.ismount(path):
                raise UsageError(
                    f"a mount point inside the output folder ({path}) cannot be carried over "
                    "to the new set",
                    hint="give the outputs a folder of their own",
                )
            os.mkdir(copy)
            _carry_over(path, copy)
            shutil.copystat(path, copy)
        else:
            try:
                os.link(path, copy, follow_symlinks=False)
            except OSError as error:
                if error.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
                    raise
                shutil.copy2(path, copy)


def _fsync(folder: Path) -> None:
    """Flush a folder's entries to disk (the files are flushed as they are written)."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _switch(new: Path, current: Path) -> None:
    """Put ``new`` in place of ``current`` in one step; ``new`` then names the previous set."""
    if not os.path.lexists(current):
        os.rename(new, current)
        return
    if _exchange(new, current):
        return
    # no atomic exchange (another system, or a file system without it): two renames; a run
    # killed between them leaves the previous set beside, and the next run puts it back
    previous = current.with_name(_PREVIOUS.format(name=current.name))
    os.rename(current, previous)
    os.rename(new, current)
    os.rename(previous, new)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2`` with ``RENAME_EXCHANGE``); False where
    the system or file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_cwd, rename_exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))
