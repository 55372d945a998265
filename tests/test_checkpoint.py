"""Checkpoints (issue 11): ``dugnad run --save-state`` after the burn-in, ``--from-state`` to start
from it. A restored run writes the same tables as the uninterrupted run; a state branches into a
scenario that differs only in its interventions; every bad state file is one line and exit 2."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pandas as pd
import pytest

from model import checkpoint
from model.checkpoint import MAGIC, StateError, code_version, read_state, restore, save_state
from model.cli import main
from model.outputs import TABLES, read_table
from model.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
BASELINE = str(ROOT / "scenarios" / "baseline.toml")
BRANCH = str(ROOT / "scenarios" / "combo_leisure_card_outreach_information.toml")  # two interventions
SIZE = ["--persons", "300", "--burn-in", "6", "--seed", "4"]
MONTHS = ["--months", "6", "--quiet"]
NOT_COMPARED = {"created_utc", "command", "timings_s", "mechanism_s", "from_state", "saved_state"}


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """An uninterrupted run that also saved its state after the burn-in: (run folder, state file)."""
    d = tmp_path_factory.mktemp("ckpt")
    assert main(["run", BASELINE, *SIZE, *MONTHS, "--out", str(d / "run"), "--save-state", str(d / "s.state")]) == 0
    return d / "run", d / "s.state"


def assert_same_run(a: Path, b: Path) -> None:
    for t in TABLES:
        pd.testing.assert_frame_equal(read_table(a, t), read_table(b, t), check_exact=True, obj=t)
    ma, mb = (json.loads((x / "manifest.json").read_text()) for x in (a, b))
    assert {k: v for k, v in ma.items() if k not in NOT_COMPARED} == {k: v for k, v in mb.items() if k not in NOT_COMPARED}


def split(state: Path) -> tuple[dict, bytes]:
    data = state.read_bytes()
    (n,) = struct.unpack_from(">I", data, len(MAGIC))
    start = len(MAGIC) + 4
    return json.loads(data[start:start + n]), data[start + n:]


def write_state(path: Path, header: dict, payload: bytes, fix_checksum: bool = True) -> Path:
    """A state file with a hand-made header (and payload)."""
    if fix_checksum:
        import hashlib
        header = {**header, "payload": {**header["payload"], "bytes": len(payload),
                                        "sha256": hashlib.sha256(payload).hexdigest()}}
    head = json.dumps(header).encode()
    path.write_bytes(MAGIC + struct.pack(">I", len(head)) + head + payload)
    return path


# ----------------------------------------------------------------------------- round trip and branching

def test_restored_run_equals_uninterrupted_run(saved, tmp_path):
    run, state = saved
    # seed, persons and burn-in come from the state when not given
    assert main(["run", BASELINE, *MONTHS, "--from-state", str(state), "--out", str(tmp_path / "b")]) == 0
    assert_same_run(run, tmp_path / "b")
    # saving did not disturb the run it was taken from
    assert main(["run", BASELINE, *SIZE, *MONTHS, "--out", str(tmp_path / "plain")]) == 0
    assert_same_run(run, tmp_path / "plain")
    man = json.loads((tmp_path / "b" / "manifest.json").read_text())
    header, _ = split(state)
    assert man["from_state"]["file"] == str(state)
    assert man["from_state"]["payload_sha256"] == header["payload"]["sha256"]
    assert man["from_state"]["created_utc"] == header["created_utc"]
    assert json.loads((run / "manifest.json").read_text())["saved_state"]["payload_sha256"] == header["payload"]["sha256"]
    assert header["month"] == 0 and header["seed"] == 4 and header["code_version"] == code_version()


def test_branch_with_interventions_equals_fresh_run(saved, tmp_path):
    _, state = saved
    assert main(["run", BRANCH, *MONTHS, "--from-state", str(state), "--out", str(tmp_path / "branch")]) == 0
    assert main(["run", BRANCH, *SIZE, *MONTHS, "--out", str(tmp_path / "fresh")]) == 0
    assert_same_run(tmp_path / "branch", tmp_path / "fresh")
    ts = read_table(tmp_path / "branch", "timeseries")
    assert ts["cost_nok"].iloc[-1] > 0 and len(read_table(tmp_path / "branch", "benefits")) > 0  # the branch acted
    man = json.loads((tmp_path / "branch" / "manifest.json").read_text())
    assert len(man["interventions"]) == 2 and man["scenario"]["name"] != "baseline"


def test_restored_model_continues_through_the_api(saved):
    _, state = saved
    sc = load_scenario(BASELINE, {"seed": 4, "months": 2, "burn_in_months": 6, "population": {"persons": 300}})
    m = restore(state, sc)
    steps = m.steps
    m.run()
    assert m.month == 2 and m.steps == steps + 2  # Mesa's event list survives pickling


# ----------------------------------------------------------------------------- refusals

def refused(capsys, tmp_path, args: list[str], *words: str) -> str:
    out = tmp_path / "out"
    before = sorted(p.name for p in tmp_path.iterdir())
    code = main(["run", *args, *MONTHS, "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1, err
    assert "Traceback" not in err[0]
    for w in words:
        assert w in err[0], err[0]
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written, no temporary leftovers
    return err[0]


def bad_files(state: Path, d: Path) -> dict[str, tuple[Path, str]]:
    header, payload = split(state)
    data = state.read_bytes()
    (d / "dir.state").mkdir()
    files = {
        "missing": (d / "missing.state", "file not found"),
        "empty": (d / "empty.state", "file is empty"),
        "folder": (d / "dir.state", "is a folder"),
        "garbage": (d / "garbage.state", "not a Dugnad state file"),
        "other format": (d / "scenario.toml", "not a Dugnad state file"),
        "truncated payload": (d / "trunc.state", "truncated"),
        "truncated header": (d / "trunc_head.state", "truncated"),
        "damaged header": (d / "head.state", "damaged header"),
        "damaged payload": (d / "flip.state", "checksum"),
        "not a pickle": (d / "nopickle.state", "cannot be loaded"),
        "not a model": (d / "dict.state", "does not hold a Dugnad model"),
        "other version": (d / "version.state", "another version of Dugnad"),
        "other library": (d / "numpy.state", "numpy 0.0.1"),
        "other format version": (d / "format.state", "state format 99"),
        "magic only": (d / "magic.state", "truncated"),
        "header not an object": (d / "list.state", "damaged header"),
        "payload size absurd": (d / "huge.state", "truncated"),
        "longer than its header": (d / "long.state", "checksum"),
    }
    (d / "magic.state").write_bytes(MAGIC[:6])
    (d / "list.state").write_bytes(MAGIC + struct.pack(">I", 2) + b"[]" + payload)
    write_state(d / "huge.state", {**header, "payload": {**header["payload"], "bytes": 10**18}}, payload,
                fix_checksum=False)
    (d / "long.state").write_bytes(data + b"extra")
    (d / "empty.state").write_bytes(b"")
    (d / "garbage.state").write_bytes(bytes(range(256)) * 4)
    (d / "scenario.toml").write_text(Path(BASELINE).read_text())
    (d / "trunc.state").write_bytes(data[:-100])
    (d / "trunc_head.state").write_bytes(data[:len(MAGIC) + 20])
    (d / "head.state").write_bytes(MAGIC + struct.pack(">I", 5) + b"{nope" + payload)
    flipped = bytearray(data)
    flipped[-50] ^= 0xFF
    (d / "flip.state").write_bytes(bytes(flipped))
    write_state(d / "nopickle.state", header, zlib.compress(b"these bytes are no pickle"))
    import pickle
    write_state(d / "dict.state", header, zlib.compress(pickle.dumps({"a": 1}, protocol=5)))
    write_state(d / "version.state", {**header, "code_version": "0.0.9+0123456789abcdef"}, payload)
    write_state(d / "numpy.state", {**header, "runtime": {**header["runtime"], "numpy": "0.0.1"}}, payload)
    write_state(d / "format.state", {**header, "dugnad_state": 99}, payload)
    return files


CASES = ["missing", "empty", "folder", "garbage", "other format", "truncated payload", "truncated header",
         "damaged header", "damaged payload", "not a pickle", "not a model", "other version", "other library",
         "other format version", "magic only", "header not an object", "payload size absurd", "longer than its header"]


@pytest.fixture(scope="module")
def bad(saved, tmp_path_factory):
    return bad_files(saved[1], tmp_path_factory.mktemp("bad"))


@pytest.mark.parametrize("case", CASES)
def test_bad_state_file_one_line_exit_2_nothing_written(case, bad, tmp_path, capsys):
    path, words = bad[case]
    refused(capsys, tmp_path, [BASELINE, "--from-state", str(path)], str(path), words)


@pytest.mark.parametrize("flags, field", [
    (["--persons", "400"], "population.persons: 300 in the state, 400 here"),
    (["--seed", "5"], "seed: 4 in the state, 5 here"),
    (["--burn-in", "7"], "burn_in_months: 6 in the state, 7 here"),
])
def test_from_state_with_disagreeing_flags_is_refused(flags, field, saved, tmp_path, capsys):
    refused(capsys, tmp_path, [BASELINE, "--from-state", str(saved[1]), *flags], str(saved[1]),
            "different scenario", field)


def test_state_of_a_different_scenario_is_refused(saved, tmp_path, capsys):
    other = tmp_path / "other.toml"
    other.write_text(f'extends = "{BASELINE}"\n[recruitment]\nask_rate = 0.3\n')
    refused(capsys, tmp_path, [str(other), "--from-state", str(saved[1])], "different scenario", "recruitment.ask_rate")


def test_bad_state_through_the_real_command(bad, tmp_path):
    path, _ = bad["garbage"]
    r = subprocess.run([sys.executable, "-m", "model.cli", "run", BASELINE, "--from-state", str(path), "--quiet",
                        "--out", str(tmp_path / "x")], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert str(path) in r.stderr and not (tmp_path / "x").exists()


def test_api_refuses_before_unpickling(saved, tmp_path):
    header, payload = split(saved[1])
    f = write_state(tmp_path / "v.state", {**header, "code_version": "x"}, payload)
    with pytest.raises(StateError, match="another version"):
        read_state(f)
    assert checkpoint.code_version() == code_version() and code_version().startswith("0.")


# ----------------------------------------------------------------------------- writing the state

@pytest.mark.parametrize("where, words", [
    ("blocker/s.state", "--save-state"),           # a file stands where the folder should be
    ("folder", "is a folder"),
    ("notes.txt", "not a Dugnad state file"),      # never overwrite someone's file
    ("out/s.state", "inside the --out folder"),
])
def test_unwritable_save_state_refused_before_the_run(where, words, tmp_path, capsys):
    (tmp_path / "blocker").write_text("x")
    (tmp_path / "folder").mkdir()
    (tmp_path / "notes.txt").write_text("my notes")
    err = refused(capsys, tmp_path, [BASELINE, *SIZE, "--save-state", str(tmp_path / where)], words)
    assert (tmp_path / "notes.txt").read_text() == "my notes", err


def test_save_and_from_state_together_refused(saved, tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(["run", BASELINE, "--save-state", str(tmp_path / "a"), "--from-state", str(saved[1]), "--out",
              str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert e.value.code == 2 and len(err) == 1 and "not allowed with argument" in err[0]
    assert list(tmp_path.iterdir()) == []


def test_unpicklable_model_writes_nothing(saved, tmp_path):
    sc = load_scenario(BASELINE, {"seed": 4, "burn_in_months": 6, "population": {"persons": 300}})
    m = restore(saved[1], sc)
    m.bad = lambda: None
    with pytest.raises(StateError, match="cannot be pickled"):
        save_state(m, tmp_path / "s.state")
    assert list(tmp_path.iterdir()) == []


def test_state_file_replaced_atomically(saved, tmp_path):
    sc = load_scenario(BASELINE, {"seed": 4, "burn_in_months": 6, "population": {"persons": 300}})
    m = restore(saved[1], sc)
    target = tmp_path / "s.state"
    save_state(m, target)
    save_state(m, target)  # an existing state file is replaced
    assert [p.name for p in tmp_path.iterdir()] == ["s.state"]  # no temporary files left
    assert read_state(target).header["fingerprint"] == split(saved[1])[0]["fingerprint"]
