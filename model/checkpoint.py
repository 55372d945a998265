"""Model checkpoints: the whole state of a run after its burn-in, saved to a file and restored.

``dugnad run SCENARIO.toml --save-state FILE`` writes the model at month 0 (after the burn-in,
before any recorded month); ``dugnad run SCENARIO.toml --from-state FILE`` starts from it instead of
building a population and running the burn-in. A restored run writes the same tables as the
uninterrupted run with the same seed.

**Branching.** A state may be restored by another scenario that differs only in what is not part of
the model's state: its ``interventions`` and the recording fields ``months``, ``name`` and
``description`` (:data:`NOT_FINGERPRINTED`). The restored model builds the interventions of the
*new* scenario at month 0, exactly where a fresh run of that scenario builds them (interventions
never act during the burn-in), so one burn-in can be branched into many scenarios. Any other
difference (population, a mechanism parameter, seed, burn-in months) is refused, naming the first
differing field; so is a state written by another code version (:func:`code_version`) or another
Python, NumPy, pandas or Mesa.

**File format.** ``MAGIC`` (one line), a 4-byte big-endian header length, a JSON header (format
version, code version, library versions, scenario fingerprint and the fingerprinted fields, seed,
month, creation time, payload size and SHA-256) and then the payload: the pickled
:class:`~model.model.DugnadModel` (pickle protocol 5, zlib-compressed). The whole model object is
pickled, random generators included, so new model attributes and columns need no change here. The
header is read and checked before anything is unpickled, and every failure becomes one
:class:`StateError` line naming the file.

**Security.** The payload is a pickle: loading it can run arbitrary code. Load only state files
you wrote yourself (your own runs); the header check guards against mistakes, not against attacks.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import platform
import struct
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from model.errors import DugnadError
from model.safe_io import clip, format_loc, short, write_atomic

MAGIC = b"DUGNAD-STATE\n"
FORMAT_VERSION = 1
MAX_HEADER_BYTES = 1_000_000          # a header is a few kB (the fingerprinted scenario)
PICKLE_PROTOCOL = 5
ZLIB_LEVEL = 6                        # 5,000 persons: 2.4 MB pickle → 0.5 MB in ~0.05 s
NOT_FINGERPRINTED = ("name", "description", "months", "interventions")
LIBRARIES = ("numpy", "pandas", "mesa")
_LENGTH = struct.Struct(">I")


class StateError(DugnadError):
    """A state file cannot be written, read or used here; the message names the file."""


@dataclass(frozen=True)
class State:
    """A state file read and checked (magic, header, versions, size, checksum), not yet unpickled."""

    path: Path
    header: dict
    payload: bytes


# ----------------------------------------------------------------------------- versions

@functools.cache
def code_version() -> str:
    """``<package version>+<hash>``: the hash covers every ``.py`` file of the ``model`` package and
    its data files (``model/data``), so any change of code or shipped data invalidates old states.
    Computed once per process (~60 small files)."""
    from model import __version__

    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    files = [f for f in root.rglob("*") if f.is_file() and "__pycache__" not in f.parts
             and (f.suffix == ".py" or f.parent == root / "data")]
    for f in sorted(files, key=lambda f: f.relative_to(root).as_posix()):
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return f"{__version__}+{h.hexdigest()[:16]}"


def runtime_versions() -> dict[str, str]:
    """Python (major.minor) and the libraries whose objects are inside the pickle."""
    out = {"python": ".".join(platform.python_version_tuple()[:2])}
    for lib in LIBRARIES:
        try:
            out[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            out[lib] = "none"
    return out


# ----------------------------------------------------------------------------- fingerprint

def fingerprint_fields(scenario) -> dict:
    """The resolved scenario as JSON, without the fields a branch may change (:data:`NOT_FINGERPRINTED`)."""
    data = scenario.model_dump(mode="json")
    return {k: v for k, v in data.items() if k not in NOT_FINGERPRINTED}


def fingerprint(fields: dict) -> str:
    """SHA-256 of the canonical JSON of :func:`fingerprint_fields`."""
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def first_difference(a: Any, b: Any, loc: tuple = ()) -> tuple[tuple, Any, Any] | None:
    """(field path, value in ``a``, value in ``b``) of the first difference, keys in sorted order."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                return (*loc, k), a.get(k, "<absent>"), b.get(k, "<absent>")
            d = first_difference(a[k], b[k], (*loc, k))
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, (*loc, i))
            if d:
                return d
        return None
    return None if a == b else (loc, a, b)


# ----------------------------------------------------------------------------- saving

def save_state(model, path: str | Path) -> dict:
    """Write ``model`` (at month 0, after its burn-in) to ``path`` atomically; returns the header.
    :class:`StateError` if the model cannot be pickled or the file cannot be written."""
    path = Path(path)
    if model.month != 0:
        raise ValueError(f"states are saved after the burn-in, at month 0 (the model is at month {model.month})")
    try:
        raw = pickle.dumps(model, protocol=PICKLE_PROTOCOL)
    except Exception as e:  # an attribute that cannot be pickled (a lambda, an open file ...)
        raise StateError(f"--save-state {clip(str(path), 120)}: the model cannot be pickled "
                         f"({type(e).__name__}: {clip(str(e), 120)}); nothing was written") from None
    payload = zlib.compress(raw, ZLIB_LEVEL)
    fields = fingerprint_fields(model.params)
    header = {
        "dugnad_state": FORMAT_VERSION,
        "code_version": code_version(),
        "runtime": runtime_versions(),
        "fingerprint": fingerprint(fields),
        "scenario": fields,
        "scenario_name": model.params.name,
        "seed": int(model.seed),
        "month": int(model.month),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "payload": {"pickle_protocol": PICKLE_PROTOCOL, "compression": "zlib", "bytes": len(payload),
                    "sha256": hashlib.sha256(payload).hexdigest()},
    }
    head = json.dumps(header, ensure_ascii=False).encode("utf-8")
    try:
        write_atomic(path, b"".join([MAGIC, _LENGTH.pack(len(head)), head, payload]))
    except (OSError, ValueError) as e:
        why = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise StateError(f"--save-state {clip(str(path), 120)}: cannot write the state ({clip(why, 120)}); "
                         "nothing was written") from None
    return header


# ----------------------------------------------------------------------------- reading

def _show(v: Any, limit: int = 60) -> str:
    """A header value for a one-line message: printable text as is, anything else as ``repr``."""
    return clip(v, limit) if isinstance(v, str) and v.isprintable() else short(v, limit)


def _fail(path: Path, why: str) -> StateError:
    text = f"--from-state {clip(str(path), 120)}: {why}"
    return StateError("".join(c if c.isprintable() else "?" for c in text))  # always one line


def _read(path: Path) -> tuple[dict, bytes]:
    """The header and the payload of a state file, read piece by piece so that a large file of
    another kind is refused after its first bytes; checks the header's shape only."""
    try:
        with open(path, "rb") as f:
            return _read_parts(path, f)
    except FileNotFoundError:
        raise _fail(path, "file not found") from None
    except IsADirectoryError:
        raise _fail(path, "is a folder, not a state file") from None
    except (OSError, ValueError) as e:  # permission, a NUL byte in the name ...
        why = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise _fail(path, f"cannot read file ({clip(why, 120)})") from None


def _read_parts(path: Path, f) -> tuple[dict, bytes]:
    not_state = "not a Dugnad state file (write one with dugnad run --save-state)"
    start = f.read(len(MAGIC) + _LENGTH.size)
    if not start:
        raise _fail(path, f"file is empty; {not_state}")
    if not start.startswith(MAGIC) and not MAGIC.startswith(start):
        raise _fail(path, not_state)
    if len(start) < len(MAGIC) + _LENGTH.size:
        raise _fail(path, "file is truncated (it ends inside the header)")
    (n,) = _LENGTH.unpack_from(start, len(MAGIC))
    if n > MAX_HEADER_BYTES:
        raise _fail(path, f"damaged header (says it is {n:,} bytes long)")
    raw = f.read(n)
    if len(raw) < n:
        raise _fail(path, "file is truncated (it ends inside the header)")
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _fail(path, "damaged header (not valid JSON)") from None
    need = {"dugnad_state": int, "code_version": str, "runtime": dict, "fingerprint": str, "scenario": dict,
            "seed": int, "month": int, "created_utc": str, "payload": dict}
    bad = [k for k, t in need.items() if not isinstance(header.get(k) if isinstance(header, dict) else None, t)]
    if not bad:
        pl = header["payload"]
        bad = [f"payload.{k}" for k, t in (("bytes", int), ("sha256", str)) if not isinstance(pl.get(k), t)]
    if bad:
        raise _fail(path, f"damaged header (missing or wrong: {', '.join(bad[:3])})")
    want = header["payload"]["bytes"]
    if want < 0:
        raise _fail(path, "damaged header (negative payload size)")
    left = os.fstat(f.fileno()).st_size - f.tell()
    return header, f.read(min(want, left) + 1)  # one byte more: a file longer than its header says is damaged


def read_state(path: str | Path) -> State:
    """Read a state file and check everything that can be checked without unpickling: the magic
    line, the header, the format and code version, the library versions, the payload's size and
    checksum. :class:`StateError` naming the file and the problem otherwise."""
    path = Path(path)
    header, payload = _read(path)
    if header["dugnad_state"] != FORMAT_VERSION:
        raise _fail(path, f"state format {_show(header['dugnad_state'])} is not the format this version reads "
                          f"({FORMAT_VERSION}); save the state again with this version")
    if header["code_version"] != code_version():
        raise _fail(path, f"state was saved by another version of Dugnad ({_show(header['code_version'])}; "
                          f"this is {code_version()}); save the state again with this version")
    here = runtime_versions()
    for lib, v in here.items():
        if header["runtime"].get(lib) != v:
            raise _fail(path, f"state was saved with {lib} {_show(header['runtime'].get(lib), 30)} (this is {lib} {v}); "
                              "save the state again here")
    want = header["payload"]["bytes"]
    if len(payload) < want:
        raise _fail(path, f"file is truncated ({len(payload):,} of {want:,} payload bytes)")
    if len(payload) > want or hashlib.sha256(payload).hexdigest() != header["payload"]["sha256"]:
        raise _fail(path, "file is damaged (the payload does not match its checksum)")
    return State(path, header, payload)


def check_scenario(state: State, scenario) -> None:
    """Refuse a state saved for a scenario that differs from ``scenario`` in anything but
    :data:`NOT_FINGERPRINTED`; the message names the first differing field."""
    fields = fingerprint_fields(scenario)
    if fingerprint(fields) == state.header["fingerprint"]:
        return
    try:
        d = first_difference(state.header["scenario"], fields)
    except RecursionError:  # a hand-made header nested a thousand deep
        d = None
    what = f"{format_loc(d[0]) or 'scenario'}: {short(d[1], 40)} in the state, {short(d[2], 40)} here" if d else \
        "fingerprint differs"
    raise _fail(state.path, f"state was saved for a different scenario ({what}); only interventions, months, "
                            "name and description may differ")


def state_defaults(state: State) -> dict:
    """What the state was run with that a command line may leave out: seed, burn-in, persons."""
    sc = state.header["scenario"]
    pop = sc.get("population") if isinstance(sc.get("population"), dict) else {}
    return {"seed": state.header["seed"], "burn_in_months": sc.get("burn_in_months"), "persons": pop.get("persons")}


def load_model(state: State, scenario):
    """Unpickle the model of a checked ``state`` and set it up for ``scenario`` (see
    :func:`start_scenario`). Any failure of unpickling becomes one :class:`StateError` line."""
    from model.model import DugnadModel

    check_scenario(state, scenario)
    try:
        model = pickle.loads(zlib.decompress(state.payload))
    except Exception as e:  # noqa: BLE001 - whatever a damaged or foreign pickle raises
        raise _fail(state.path, f"cannot be loaded ({type(e).__name__}: {clip(str(e), 120)})") from None
    if not isinstance(model, DugnadModel) or model.month != state.header["month"]:
        raise _fail(state.path, f"does not hold a Dugnad model at month {state.header['month']}")
    start_scenario(model, scenario)
    return model


def start_scenario(model, scenario) -> None:
    """Give a restored model (at month 0) the scenario it continues with: its parameters, its
    interventions built now, and the month-0 row of the time series collected again (its cost
    columns are the new scenario's interventions)."""
    from model.interventions import build_interventions

    model.params = scenario
    model.interventions = build_interventions(model, scenario.interventions)
    model.observer.rows = [r for r in model.observer.rows if r["month"] != model.month]
    model.observer.collect()


def restore(path: str | Path, scenario):
    """The model saved in ``path``, continuing as ``scenario`` (read, checked, unpickled)."""
    return load_model(read_state(path), scenario)


def provenance(state: State) -> dict:
    """What a run's manifest records about the state it started from."""
    h = state.header
    return {"file": str(state.path), "payload_sha256": h["payload"]["sha256"], "created_utc": h["created_utc"],
            "code_version": h["code_version"], "scenario_fingerprint": h["fingerprint"],
            "saved_by_scenario": h.get("scenario_name"), "seed": h["seed"], "month": h["month"]}
