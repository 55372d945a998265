"""Scenario loading under bad input: every broken file gives a ScenarioError whose lines name the
file, the line, the field path and the bad value; random and corrupted files never crash the loader
with anything but the project's own errors; and docs/scenarios.md is what the schema generates."""

from __future__ import annotations

import math
import re
import shutil
import types
import typing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import docs_scenarios
from model.cli import main as cli_main
from model.errors import DugnadError
from model.interventions import CATALOGUE
from model.scenario import Scenario, ScenarioError, load_scenario
from model.schema import Target

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"


def copy_baseline(root: Path) -> Path:
    """root/scenarios/baseline.toml with the calibrated file it extends at root/model/data/; returns
    the scenarios folder."""
    (root / "model" / "data").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "model" / "data" / "calibrated.toml", root / "model" / "data" / "calibrated.toml")
    (root / "scenarios").mkdir(exist_ok=True)
    shutil.copy(BASELINE, root / "scenarios" / "baseline.toml")
    return root / "scenarios"
BROKEN = ROOT / "tests" / "fixtures" / "broken"
TYPES = ", ".join(CATALOGUE)
GROUPS = "Poland, Lithuania, Sweden"  # the start of the shipped origin-group list


# ------------------------------------------------------------------------------------- the docs

def test_docs_scenarios_md_is_up_to_date():
    current = docs_scenarios.DOC_PATH.read_text(encoding="utf-8")
    assert current == docs_scenarios.generate(), \
        "docs/scenarios.md is out of date: run `python -m model.docs_scenarios`"


def test_docs_check_flag(tmp_path, capsys):
    out = tmp_path / "scenarios.md"
    assert docs_scenarios.main(["--check", "--out", str(out)]) == 1  # missing
    assert docs_scenarios.main(["--out", str(out)]) == 0
    assert docs_scenarios.main(["--check", "--out", str(out)]) == 0
    out.write_text(out.read_text() + "edited by hand\n")
    assert docs_scenarios.main(["--check", "--out", str(out)]) == 1
    assert "out of date" in capsys.readouterr().err


def test_docs_cover_every_field_and_intervention():
    text = docs_scenarios.generate()
    for name, info in Scenario.model_fields.items():
        sub = info.annotation
        fields = sub.model_fields if isinstance(sub, type) and hasattr(sub, "model_fields") else {name: info}
        for f in fields:
            assert f"| `{f}` |" in text, f"{name}.{f} missing from docs/scenarios.md"
    for f in Target.model_fields:
        assert f"| `{f}` |" in text
    for t, (params, _) in CATALOGUE.items():
        section = text.split(f"### `{t}`\n", 1)[1].split("\n### ", 1)[0]
        for f in params.model_fields:
            if f not in ("name", "start_month", "end_month", "admin_nok_per_year"):
                assert f"| `{f}` |" in section, f"{t}.{f} missing from its table"
    # rendering of types, literals, bounds and compact default targets
    assert "| `immigrant_share` | `float` | `0.15` | 0 – 0.9 | data |" in text
    assert "`dict[str, float] \\| None`" in text
    assert '`"municipality" \\| "organisation" \\| "employer"`' in text
    assert '`{ backgrounds = ["immigrant"], reasons = ["labour"], age_min = 18.0, age_max = 66.0, max_norwegian = 0.7 }`' in text


def test_docs_example_loads_and_its_error_message_is_real(tmp_path):
    """The how-to's example is a working scenario, and the error it quotes is the one you get."""
    howto = docs_scenarios.HOWTO
    example = re.search(r"```toml\n(.*?)```", howto, re.DOTALL).group(1)
    tmp_path = copy_baseline(tmp_path)
    f = tmp_path / "card_and_course.toml"
    f.write_text(example)
    s = load_scenario(f)
    assert s.name == "card_and_course" and s.population.persons == 8000
    assert s.population.segregation == load_scenario(BASELINE).population.segregation  # merged
    assert [iv.label for iv in s.interventions] == ["card", "course"]
    assert s.interventions[1].target.max_norwegian is None  # the target replaced the default
    quoted = re.search(r"\n    (card_and_course\.toml: line .*)\n", howto).group(1)
    f.write_text(example.replace("start_month = 12", "start_month = -5"))
    with pytest.raises(ScenarioError) as e:
        load_scenario(f)
    assert e.value.problems == [f"{tmp_path}/{quoted}"]


# ------------------------------------------------------------------------------ broken fixtures

# fixture -> (file named in the message or None for the fixture itself, line or None, field path,
#             message substring, value as shown after "got ")
EXPECTED = {
    "negative_start_month": (None, 13, "interventions[2].start_month",
                             "Input should be greater than or equal to 0", "-5"),
    "end_not_after_start": (None, 5, "interventions[0].end_month",
                            "end_month must be > start_month", "end_month 12 ≤ start_month 24"),
    "unknown_intervention_type": (None, 6, "interventions[1].type",
                                  f"unknown intervention type; allowed: {TYPES}", "'language_courses'"),
    "missing_intervention_type": (None, 2, "interventions[0].type",
                                  f"missing intervention type; allowed: {TYPES}", "{'name': 'course'"),
    "unknown_intervention_field": (None, 4, "interventions[0].seats", "unknown field", "40"),
    "unknown_target_field": (None, 7, "interventions[0].target.min_age", "unknown field", "20"),
    "string_for_number": (None, 4, "interventions[0].seats_per_year", "Input should be a valid number", "'sixty'"),
    "unknown_origin_in_target": (None, 5, "interventions[0].target.origins",
                                 f"unknown origin group; allowed: {GROUPS}", "'Atlantis'"),
    "neighbourhood_out_of_range": (None, 7, "interventions[0].drop_in_neighbourhoods",
                                   "no such neighbourhood; allowed: 0–3", "7"),
    "municipality_out_of_range": (None, 7, "interventions[0].target.municipalities",
                                  "no such municipality; allowed: 0–1", "2"),
    "duplicate_intervention_names": (None, 8, "interventions[1].name",
                                     "duplicate intervention name (also interventions[0])", "'norsk'"),
    "circular_a": ("circular_b", 2, "extends", "circular inheritance", None),
    "circular_b": ("circular_a", 2, "extends", "circular inheritance", None),
    "extends_missing_file": (None, 3, "extends", "file not found", "'no_such_parent.toml'"),
    "extends_not_a_string": (None, 2, "extends", "must be a file name", "3"),
    "invalid_toml": (None, 3, None, "not valid TOML: Invalid value (at line 3, column 9)", None),
    "unknown_section": (None, 5, "recruitmnet", "unknown field", "{'ask_rate': 0.3}"),
    "section_not_a_table": (None, 2, "population", "Input should be a valid dictionary", "5000"),
    "interventions_as_table": (None, 2, "interventions", "Input should be a valid list", "{'type': 'grants'}"),
    "bad_parent": (None, 4, "population.persons", "Input should be greater than or equal to 20", "5"),
    "bad_value_in_parent": ("bad_parent", 4, "population.persons", "Input should be greater than or equal to 20", "5"),
    "target_ages_reversed": (None, 6, "interventions[0].target.age_min", "age_min must be ≤ age_max", "17 > 6"),
    "bad_literal": (None, 4, "interventions[0].provider",
                    "Input should be 'municipality', 'organisation' or 'employer'", "'church'"),
    "list_expected": (None, 5, "interventions[0].target.backgrounds", "Input should be a valid list", "'immigrant'"),
    "missing_origin_groups_file": (None, 3, "population.origin_groups_file",
                                   "cannot use the origin-group file: file not found", f"'{BROKEN}/no_such_groups.csv'"),
    "arrivals_unknown_origin": (None, 5, "interventions[0].origins.Narnia",
                                f"unknown origin group; allowed: {GROUPS}", "'Narnia'"),
    "unknown_kind_share": (None, 4, "organisations.kind_shares.spaceflight",
                           "unknown or not share-set organisation kind", "0.2"),
}


def test_every_broken_fixture_has_an_expectation():
    assert sorted(f.stem for f in BROKEN.glob("*.toml")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 15


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_broken_fixture_message(case):
    named, line, field, message, value = EXPECTED[case]
    with pytest.raises(ScenarioError) as e:
        load_scenario(BROKEN / f"{case}.toml")
    problems = e.value.problems
    assert len(problems) == 1, problems
    p = problems[0]
    prefix = f"{BROKEN / (named or case)}.toml: " + (f"line {line}: " if line else "")
    assert p.startswith(prefix), p
    rest = p[len(prefix):]
    if field:
        assert rest.startswith(f"{field}: "), p
    assert message in p, p
    if value is not None:
        assert f"(got {value}" in p, p
    assert "\n" not in p and "Traceback" not in p


def test_line_numbers_point_at_the_bad_value():
    """For every fixture with a line number, the line named really holds the key (or table) concerned."""
    for case, (named, line, field, *_rest) in EXPECTED.items():
        if not (line and field):
            continue
        text = (BROKEN / f"{named or case}.toml").read_text().splitlines()[line - 1]
        key = re.split(r"[.\[\]]+", field.rstrip("]"))[-1]
        assert key in text or text.startswith("["), (case, text)


def test_extends_chain_names_the_file_of_each_value(tmp_path):
    """Values come from different files of a chain; each problem names the file it was written in."""
    (tmp_path / "root.toml").write_text('name = "root"\n[population]\npersons = 5\n\n[economy]\nbenefit = -1\n')
    (tmp_path / "mid.toml").write_text('extends = "root.toml"\n[population]\nsegregation = 2\n')
    (tmp_path / "leaf.toml").write_text('extends = "mid.toml"\nmonths = -1\n[population]\nneighbourhoods = 3\n'
                                        '[[interventions]]\ntype = "grants"\nguidance = 9\n')
    with pytest.raises(ScenarioError) as e:
        load_scenario(tmp_path / "leaf.toml")
    got = sorted(e.value.problems)
    assert got == sorted([
        f"{tmp_path}/leaf.toml: line 2: months: Input should be greater than or equal to 0 (got -1)",
        f"{tmp_path}/root.toml: line 3: population.persons: Input should be greater than or equal to 20 (got 5)",
        f"{tmp_path}/mid.toml: line 3: population.segregation: Input should be less than or equal to 1 (got 2)",
        f"{tmp_path}/root.toml: line 6: economy.benefit: Input should be greater than or equal to 0 (got -1)",
        f"{tmp_path}/leaf.toml: line 7: interventions[0].guidance: Input should be less than or equal to 1 (got 9)",
    ])


def test_child_interventions_replace_the_parents(tmp_path):
    (tmp_path / "p.toml").write_text('[[interventions]]\ntype = "grants"\n[[interventions]]\ntype = "leisure_card"\n')
    (tmp_path / "c.toml").write_text('extends = "p.toml"\n[[interventions]]\ntype = "language_cafe"\n')
    assert [iv.type for iv in load_scenario(tmp_path / "c.toml").interventions] == ["language_cafe"]
    assert [iv.type for iv in load_scenario(tmp_path / "p.toml").interventions] == ["grants", "leisure_card"]


def test_origin_groups_file_is_relative_to_the_file_that_sets_it(tmp_path):
    (tmp_path / "sub").mkdir()
    shutil.copy(ROOT / "model" / "data" / "origin_groups.csv", tmp_path / "sub" / "groups.csv")
    (tmp_path / "sub" / "p.toml").write_text('[population]\norigin_groups_file = "groups.csv"\n')
    (tmp_path / "c.toml").write_text('extends = "sub/p.toml"\n[population]\npersons = 300\n')
    s = load_scenario(tmp_path / "c.toml")
    assert Path(s.population.origin_groups_file) == tmp_path / "sub" / "groups.csv"


def test_dugnad_check_on_a_broken_fixture(capsys):
    rc = cli_main(["check", str(BASELINE), str(BROKEN / "negative_start_month.toml"), str(BROKEN / "duplicate_intervention_names.toml")])
    out, err = capsys.readouterr()
    assert rc == 2
    assert f"{BASELINE}: ok (baseline)" in out
    lines = err.strip().splitlines()
    assert lines == [
        (f"{BROKEN}/negative_start_month.toml: line 13: interventions[2].start_month: "
         "Input should be greater than or equal to 0 (got -5)"),
        (f"{BROKEN}/duplicate_intervention_names.toml: line 8: interventions[1].name: duplicate intervention "
         "name (also interventions[0]); give each a unique `name` (got 'norsk')"),
    ]
    assert "Traceback" not in out + err


def test_dugnad_check_ok(capsys):
    assert cli_main(["check", str(BASELINE)]) == 0
    assert capsys.readouterr().err == ""


# ------------------------------------------------------------------------- property-based tests

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    d = copy_baseline(tmp_path_factory.mktemp("random_scenarios"))
    (d / "base.toml").write_text('name = "base"\n[population]\npersons = 300\nneighbourhoods = 3\n')
    (d / "folder").mkdir()
    return d


def _load_only_project_errors(path: Path) -> Scenario | None:
    """Load ``path``: a Scenario or the project's own error, never anything else; and every
    problem line names a file and, where it names a line, a line that exists in that file."""
    try:
        s = load_scenario(path)
    except ScenarioError as e:
        assert e.problems and all(isinstance(p, str) and p for p in e.problems)
        for p in e.problems:
            m = re.match(r"^(.*?\.toml): line (\d+): ", p)
            if m:
                f = Path(m.group(1))
                assert f.is_file(), p
                n_lines = len(f.read_text(encoding="utf-8").splitlines())
                assert 1 <= int(m.group(2)) <= max(n_lines, 1), p
            else:
                assert p.startswith(str(path.parent)), p
        return None
    except DugnadError:
        return None
    assert isinstance(s, Scenario)
    return s


@FAST
@given(text=st.text(max_size=300))
def test_random_text_never_crashes(workdir, text):
    f = workdir / "random.toml"
    f.write_text(text, encoding="utf-8")
    _load_only_project_errors(f)


@settings(max_examples=50, deadline=None)
@given(data=st.binary(max_size=200))
def test_random_bytes_never_crash(workdir, data):
    f = workdir / "bytes.toml"
    f.write_bytes(data)
    _load_only_project_errors(f)


# --- random TOML-ish scenario dicts, written by a tiny serializer

SECTIONS = {n: f.annotation for n, f in Scenario.model_fields.items()
            if isinstance(f.annotation, type) and hasattr(f.annotation, "model_fields")}
TOP_KEYS = [n for n in Scenario.model_fields if n not in SECTIONS and n != "interventions"]
JUNK = ["x", "persns", "Population", "type", "target", "", "a.b", "ÆØÅ", "extends", "name"]
ORIGINS = ["Poland", "Syria", "Atlantis", "Norway", "Other"]

scalars = st.one_of(
    st.integers(-3, 30), st.integers(-2**70, 2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.floats(0, 1),
    st.booleans(), st.text(max_size=8), st.sampled_from(ORIGINS + list(CATALOGUE) + ["immigrant", "labour", "sport"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(ORIGINS + JUNK + ["sport", "school"]), inner, max_size=3)),
    max_leaves=6)


def plausible(ann) -> st.SearchStrategy:
    """Values of roughly the right type for a field (often out of range), sometimes of any type."""
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(plausible(a) for a in args if a is not type(None)))
    if origin is typing.Literal:
        return st.sampled_from([*args, "other"])
    if origin is list:
        return st.lists(plausible(args[0]), max_size=3)
    if origin is dict:
        return st.dictionaries(st.sampled_from(ORIGINS + ["sport", "culture", "minority", "school", "church"]),
                               st.floats(-0.5, 3), max_size=3)
    if isinstance(ann, type) and hasattr(ann, "model_fields"):
        return model_tables(ann)
    return {bool: st.booleans(), int: st.integers(-1, 30), float: st.one_of(st.floats(0, 1), st.floats(-0.5, 2), st.integers(0, 200)),
            str: st.sampled_from(ORIGINS + ["x", ""])}.get(ann, scalars)


def model_tables(model) -> st.SearchStrategy:
    """A table for ``model``: its own fields with plausible values, now and then a junk key or value."""
    fields = {n: f.annotation for n, f in model.model_fields.items() if n != "type"}
    return _keys(list(fields)).flatmap(lambda keys: st.fixed_dictionaries({
        k: (st.one_of(*[plausible(fields[k])] * 7, values) if k in fields else values) for k in keys}))


def _keys(fields: list[str]) -> st.SearchStrategy:
    """Some of ``fields``, and one time in eight a junk key."""
    return st.tuples(st.lists(st.sampled_from(fields), max_size=5, unique=True),
                     st.one_of(*[st.just([])] * 7, st.lists(st.sampled_from(JUNK), max_size=1))).map(
        lambda kj: [*kj[0], *(k for k in kj[1] if k not in kj[0])])


@st.composite
def interventions(draw):
    t = draw(st.sampled_from([*CATALOGUE, *CATALOGUE, "no_such_type", None, 3]))
    d = dict(draw(model_tables(CATALOGUE[t][0]) if t in CATALOGUE else st.dictionaries(st.sampled_from(JUNK), values)))
    if t is not None:
        d["type"] = t
    return d


@st.composite
def scenario_dicts(draw):
    d = {k: draw(plausible(Scenario.model_fields[k].annotation) if k in TOP_KEYS and draw(st.integers(0, 7)) else values)
         for k in draw(_keys(TOP_KEYS))}
    d.pop("extends", None)
    if draw(st.integers(0, 4)) == 0:
        d["extends"] = draw(st.sampled_from(["base.toml", "baseline.toml", "missing.toml", "", ".", "folder",
                                             "scenario.toml", 3, ["base.toml"], "a\x00b", "x" * 300]))
    for name in draw(st.lists(st.sampled_from([*SECTIONS, "populaton"]), max_size=4, unique=True)):
        model = SECTIONS.get(name)
        d[name] = draw(model_tables(model) if model else values) if draw(st.integers(0, 5)) else draw(scalars)
    if draw(st.integers(0, 3)):
        d["interventions"] = draw(st.one_of(st.lists(interventions(), max_size=4),
                                            st.lists(interventions(), max_size=4), values))
    return d


def _str(s: str) -> str:
    out = []
    for c in s:
        if c in '"\\':
            out.append("\\" + c)
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def _val(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
    if isinstance(v, str):
        return _str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_val(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_str(str(k))} = {_val(x)}" for k, x in v.items()) + "}"
    raise TypeError(v)


def to_toml(d: dict) -> str:
    """Top-level values first, then tables as [section], lists of tables as [[name]] with their
    nested tables as [name.key]; deeper tables inline."""
    lines = [f"{_str(k)} = {_val(v)}" for k, v in d.items()
             if not isinstance(v, dict) and not (isinstance(v, list) and v and all(isinstance(x, dict) for x in v))]
    for k, v in d.items():
        if isinstance(v, dict):
            lines += ["", f"[{_str(k)}]", *(f"{_str(kk)} = {_val(vv)}" for kk, vv in v.items())]
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for item in v:
                lines += ["", f"[[{_str(k)}]]",
                          *(f"{_str(kk)} = {_val(vv)}" for kk, vv in item.items() if not isinstance(vv, dict))]
                for kk, vv in item.items():
                    if isinstance(vv, dict):
                        lines += [f"[{_str(k)}.{_str(kk)}]", *(f"{_str(a)} = {_val(b)}" for a, b in vv.items())]
    return "\n".join(lines) + "\n"


def test_serializer_writes_valid_toml():
    import tomllib
    d = {"name": 'a "q"\n\x7f', "months": 3, "population": {"persons": 1.5e300, "x": float("nan")},
         "interventions": [{"type": "grants", "target": {"origins": ["Poland"]}, "efficiency": {"sport": 1}}]}
    back = tomllib.loads(to_toml(d))
    assert back["name"] == d["name"] and back["interventions"][0]["target"] == {"origins": ["Poland"]}


@FAST
@given(d=scenario_dicts())
def test_random_scenario_dicts_never_crash(workdir, d):
    f = workdir / "scenario.toml"
    f.write_text(to_toml(d), encoding="utf-8")
    _load_only_project_errors(f)


# --- the shipped baseline (and the docs example) with random corruptions

def _corpus() -> list[str]:
    example = re.search(r"```toml\n(.*?)```", docs_scenarios.HOWTO, re.DOTALL).group(1)
    return [BASELINE.read_text(encoding="utf-8"), example]


CORPUS = _corpus()
NOISE = st.sampled_from(list("=[]{}\"'#.,-_0123456789\n \tabcxyzæ") + ["[[", "]]", "nan", "inf", "true", '"""', "\\"])


@st.composite
def corrupted(draw):
    text = draw(st.sampled_from(CORPUS))
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        op = draw(st.sampled_from(["del_chars", "replace_char", "insert", "del_line", "dup_line", "swap_lines",
                                   "replace_value"]))
        if op in ("del_chars", "replace_char", "insert") and text:
            i = draw(st.integers(0, len(text) - 1))
            if op == "del_chars":
                text = text[:i] + text[i + draw(st.integers(1, 5)):]
            elif op == "replace_char":
                text = text[:i] + draw(NOISE) + text[i + 1:]
            else:
                text = text[:i] + draw(st.one_of(NOISE, st.text(max_size=6))) + text[i:]
        elif op == "replace_value":
            i = draw(st.integers(0, len(lines) - 1))
            if "=" in lines[i]:
                key = lines[i].split("=", 1)[0]
                lines[i] = f"{key}= {_val(draw(scalars))}"
            text = "\n".join(lines)
        elif lines:
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if op == "del_line":
                del lines[i]
            elif op == "dup_line":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


@FAST
@given(text=corrupted())
def test_corrupted_baseline_never_crashes(workdir, text):
    f = workdir / "corrupted.toml"
    f.write_text(text, encoding="utf-8")
    _load_only_project_errors(f)
