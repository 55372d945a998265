"""Reading input files and writing output files safely.

Reading: every TOML input (scenario, experiment, targets, calibration settings) goes through
:func:`read_toml`, which bounds the file's size and nesting depth, accepts a UTF-8 byte-order
mark (as Notepad writes it) and turns every failure into one line naming the file.

Writing: every output file is written to a temporary file beside it, flushed to disk and renamed
into place (:func:`write_atomic`), so a crash leaves either the old file or the new one, never a
torn one. Temporary names carry the writer's process id, so a later run can tell its own stale
leftovers (:func:`clean_stale`) from those of a writer that is still running. :func:`check_writable`
tries the output location before any simulation, so a bad ``--out`` costs nothing.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from model.errors import DugnadError

MAX_INPUT_BYTES = 1_000_000       # the largest shipped input is ~10 kB; a bigger one is a mistake
MAX_TOML_DEPTH = 16               # the deepest shipped path is interventions[i].target.origins[j]
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
NAME_RULE = "1–64 characters: letters, digits, '-', '_' and '.', starting with a letter or digit"


class InputError(DugnadError):
    """An input file could not be read; the message names the file."""


def short(v: Any, limit: int = 60) -> str:
    """``repr`` of a value, cut to ``limit`` characters (errors must never echo megabytes)."""
    s = repr(v)
    return s if len(s) <= limit else s[: limit - 3] + "..."


def clip(text: str, limit: int = 200) -> str:
    """``text`` cut to ``limit`` characters."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def format_loc(loc: tuple) -> str:
    """A field path as a reader writes it: ``interventions[2].target.age_min``; keys cut to 60
    characters (a pasted megabyte as a key must not be echoed)."""
    out = ""
    for k in loc:
        k = k if isinstance(k, int) or len(str(k)) <= 60 else str(k)[:57] + "..."
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out


def check_name(v: str) -> str:
    """A name that becomes part of a file or folder name (scenario, experiment, intervention)."""
    if not isinstance(v, str) or not NAME_PATTERN.fullmatch(v):
        raise ValueError(f"must be a name of {NAME_RULE} (got {short(v)})")
    return v


def name_from_stem(stem: str) -> str:
    """A valid name made from a file's stem (a default, never a user's explicit choice)."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", stem).lstrip("._-")[:64]
    return name or "scenario"


# ----------------------------------------------------------------------------- reading

def read_text(path: Path, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """The text of a small UTF-8 input file (a leading byte-order mark dropped); :class:`InputError`
    naming the file if it is missing, unreadable, not UTF-8 or larger than ``max_bytes``."""
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file") from None
    except (OSError, ValueError) as e:  # permission, a NUL byte in the name, a name too long ...
        raise InputError(f"{path}: cannot read file ({type(e).__name__}: {clip(str(e))})") from None
    if len(data) > max_bytes:
        raise InputError(f"{path}: file too large (more than {max_bytes:,} bytes); input files are small text files")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text (byte {e.start})") from None


def _depth(x: Any) -> int:
    """Nesting depth of parsed TOML (tables and arrays), without recursion."""
    deepest, stack = 0, [(x, 0)]
    while stack:
        v, d = stack.pop()
        deepest = max(deepest, d)
        if d > MAX_TOML_DEPTH:
            break
        if isinstance(v, dict):
            stack.extend((c, d + 1) for c in v.values())
        elif isinstance(v, list):
            stack.extend((c, d + 1) for c in v)
    return deepest


def parse_toml(path: Path, text: str) -> dict:
    """Parse TOML text read from ``path``; :class:`InputError` with the line where it is invalid,
    or when tables and arrays nest deeper than :data:`MAX_TOML_DEPTH`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column \d+\)", str(e))
        raise InputError(f"{path}: {'line ' + m.group(1) + ': ' if m else ''}not valid TOML: {clip(str(e))}") from None
    except RecursionError:
        raise InputError(f"{path}: tables or arrays nested too deeply (at most {MAX_TOML_DEPTH} levels)") from None
    if _depth(data) > MAX_TOML_DEPTH:
        raise InputError(f"{path}: tables or arrays nested too deeply (at most {MAX_TOML_DEPTH} levels)")
    return data


def read_toml(path: str | Path) -> tuple[dict, str]:
    """(data, text) of a TOML input file; :class:`InputError` naming the file on any failure."""
    path = Path(path)
    text = read_text(path)
    return parse_toml(path, text), text


def read_toml_or(path: str | Path, error: type[Exception]) -> dict:
    """The parsed TOML file, or ``error("<file>: cannot read (<why>)")`` (for loaders with their
    own error type)."""
    try:
        return read_toml(path)[0]
    except InputError as e:
        raise error(f"{path}: cannot read ({str(e).removeprefix(f'{path}: ')})") from None


def is_finite_number(v: Any) -> bool:
    """An int or float (not a bool) that is neither NaN nor infinite."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


# ----------------------------------------------------------------------------- writing

def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def temp_name(path: Path, kind: str = "tmp") -> Path:
    """A hidden name beside ``path`` that says whose it is: ``.<name>.<kind>-<pid>-<random>``."""
    return path.with_name(f".{path.name}.{kind}-{os.getpid()}-{os.urandom(4).hex()}")


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` by temporary file + fsync + rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(path)
    try:
        with open(tmp, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def fsync_tree(folder: Path) -> None:
    """Flush every file of a freshly written folder (and the folder itself) to disk."""
    for f in folder.iterdir():
        if f.is_file():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(folder)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):  # not ours to judge (or not a real pid): keep it
        return True
    return True


def clean_stale(path: Path) -> int:
    """Remove hidden leftovers of ``path`` (``.<name>.tmp-<pid>-…``, ``.<name>.old-<pid>-…``)
    whose writer is no longer running, e.g. after a SIGKILL; returns how many were removed."""
    import shutil

    n = 0
    pattern = re.compile(rf"\.{re.escape(path.name)}\.(tmp|old)-(\d+)(-[0-9a-f]+)?$")
    try:
        siblings = list(path.parent.iterdir())
    except OSError:
        return 0
    for f in siblings:
        m = pattern.match(f.name)
        if not m or _alive(int(m.group(2))):
            continue
        if f.is_dir() and not f.is_symlink():
            shutil.rmtree(f, ignore_errors=True)
        else:
            f.unlink(missing_ok=True)
        n += 1
    return n


def check_writable(out: str | Path, flag: str = "--out", kind: str = "folder") -> Path:
    """Make sure ``out`` can be written before any work is done: its parent folder can be created
    and a file written there (and inside ``out`` when it is an existing folder), and ``out`` is not
    of the wrong kind (a file where a folder is wanted, or the reverse). Creates nothing that was
    not there, except missing parent folders.
    Raises :class:`DugnadError` with one line naming the flag and the path."""
    out = Path(out)
    where = f"{flag} {clip(str(out), 120)}"
    try:
        if kind == "folder" and out.exists() and not out.is_dir():
            raise DugnadError(f"{where}: is a file, not a folder; choose a folder for the output")
        if kind == "file" and out.is_dir():
            raise DugnadError(f"{where}: is a folder; give a file name")
        out.parent.mkdir(parents=True, exist_ok=True)
        probes = [temp_name(out, "probe")] + ([temp_name(out / "x", "probe")] if out.is_dir() else [])
        for probe in probes:
            with open(probe, "wb") as f:
                f.write(b"x")
            probe.unlink()
        if kind == "folder" and not out.exists():
            out.mkdir()      # the name itself must be usable (length, characters)
            out.rmdir()
    except DugnadError:
        raise
    except (OSError, ValueError) as e:
        why = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise DugnadError(f"{where}: cannot write there ({clip(why, 120)})") from None
    return out
