"""A fuzzer: valid workbooks, JSON documents and templates mutated at random, run through the real command.

Invariants for every input: exit status 0, 1 or 2 only; no traceback and no "内部错误" (that message is
for bugs); a bounded time and memory (the process runs under RLIMIT_AS and a timeout); no file written
outside the output folder, no temporary file left, and nothing written at all when the input has errors.

The short run is part of the test suite. The long run, as documented in README (开发):

    NIANBAO_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/test_fuzz.py -p no:cacheprovider

An input that breaks an invariant is saved under tests/fuzz/findings/; once its bug is fixed, move it to
tests/fuzz/regressions/, where `test_regressions` runs every file on every test run.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from builders import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = ROOT / "tests" / "fuzz"
EXAMPLES = int(os.environ.get("NIANBAO_FUZZ_EXAMPLES", "12"))
SECONDS = 60  # per command: the checks take well under a second, a template render at most its 10 s budget
MEMORY = 2 * 2**30
FUZZING = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 50,  # the short run is the same on every machine; the long one explores
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SEED_XLSX = (ROOT / "inputs" / "seed.xlsx").read_bytes()
SEED_JSON = json.loads((ROOT / "inputs" / "seed.json").read_text("utf-8"))
TEMPLATE = (ROOT / "templates" / "default.docx").read_bytes()


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run(args: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, in `folder`, under a memory limit and a timeout."""
    env = {**os.environ, "NIANBAO_DEBUG": ""}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=SECONDS,
        preexec_fn=_limits,
        env=env,
    )


def assert_invariants(kind: str, data: bytes, args: list[str], folder: Path, out: Path | None = None) -> None:
    """Run and check; an input that breaks an invariant is kept in tests/fuzz/findings/ before failing."""
    before = {path.name for path in folder.iterdir()}
    try:
        result = run(args, folder)
        problems = []
        if result.returncode not in (0, 1, 2):
            problems.append(f"exit {result.returncode}")
        for marker in ("Traceback", "内部错误"):
            if marker in result.stdout + result.stderr:
                problems.append(marker)
        after = {path.name for path in folder.iterdir()} - before
        allowed = {out.name} if out is not None and result.returncode == 0 else set()
        if after - allowed:
            problems.append(f"wrote {sorted(after - allowed)}")
    except subprocess.TimeoutExpired:
        problems, result = [f"ran over {SECONDS} s"], None
    if problems:
        FUZZ.joinpath("findings").mkdir(parents=True, exist_ok=True)
        name = f"{kind}-{hashlib.sha256(data).hexdigest()[:16]}"
        FUZZ.joinpath("findings", name).write_bytes(data)
        detail = (result.stderr[-1500:] if result else "") + f" (saved as tests/fuzz/findings/{name})"
        pytest.fail(f"{problems}: {detail}")


# --- mutations ---------------------------------------------------------------------------------------

NASTY = st.sampled_from(
    [
        "",
        "0",
        "-1",
        "1e5000",
        "9" * 400,
        "NaN",
        "3.5",
        "１２",
        " 12 ",
        "1,5",
        "12件",
        "#REF!",
        "=1+1",
        "\u0000",
        "\ud800",
        "{{ x }}",
        "<script>",
        "&amp;",
        "\u202e",
        "一二三",
        "2022-02-30",
        "TRUE",
    ]
)


@st.composite
def mutated_workbooks(draw: st.DrawFn) -> bytes:
    """The seed workbook with its zip, its XML or its cell values damaged at random."""
    how = draw(st.sampled_from(["bytes", "xml", "cells", "entries"]))
    if how == "bytes":
        data = bytearray(SEED_XLSX)
        for _ in range(draw(st.integers(1, 50))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    with zipfile.ZipFile(BytesIO(SEED_XLSX)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    xml_parts = sorted(name for name in parts if name.endswith(".xml"))
    if how == "xml":
        name = draw(st.sampled_from(xml_parts))
        text = parts[name]
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 200)))
        insert = draw(st.sampled_from([b"", b'<c r="A1"><v>1</v></c>', b"<!DOCTYPE x>", b"&x;", b"<row>", b"\xff\xfe"]))
        parts[name] = text[:start] + insert + text[end:]
    elif how == "cells":
        name = draw(st.sampled_from([n for n in xml_parts if n.startswith("xl/worksheets/")]))
        text = parts[name].decode("utf-8")
        rng = random.Random(draw(st.integers(0, 2**32)))
        pieces = text.split("<v>")
        for index in rng.sample(range(1, len(pieces)), min(len(pieces) - 1, draw(st.integers(1, 5)))):
            value = draw(NASTY).replace("<", "&lt;").replace("&", "&amp;") if index % 2 else draw(NASTY)
            pieces[index] = value + pieces[index][pieces[index].find("</v>") :]
        parts[name] = "<v>".join(pieces).encode("utf-8", errors="replace")
    else:
        drop = draw(st.sets(st.sampled_from(sorted(parts)), max_size=3))
        parts = {name: data for name, data in parts.items() if name not in drop}
        if draw(st.booleans()):
            parts["../escape.xml"] = b"<x/>"
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20) | NASTY,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@st.composite
def mutated_documents(draw: st.DrawFn) -> bytes:
    """The seed JSON document with values replaced, keys added or removed, at any depth."""
    document = json.loads(json.dumps(SEED_JSON))
    for _ in range(draw(st.integers(1, 6))):
        node = document
        while isinstance(node, dict) and node and draw(st.booleans()):
            key = draw(st.sampled_from(sorted(node)))
            if not isinstance(node[key], dict):
                break
            node = node[key]
        if not isinstance(node, dict):
            continue
        action = draw(st.sampled_from(["replace", "add", "remove"]))
        if action == "replace" and node:
            node[draw(st.sampled_from(sorted(node)))] = draw(JSON_VALUES)
        elif action == "add":
            node[draw(st.text(max_size=10))] = draw(JSON_VALUES)
        elif node:
            node.pop(draw(st.sampled_from(sorted(node))))
    text = json.dumps(document, ensure_ascii=draw(st.booleans()))
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"])), errors="surrogatepass")


TAGS = st.sampled_from(
    [
        "{{ agency }}",
        "{{ year * 3 }}",
        "{{ requests.new.total|num }}",
        "{% for i in range(5) %}{{ i }}{% endfor %}",
        "{{ extra.联系人 }}",
        "{{ extra.get('x') }}",
        "{{ 1/0 }}",
        "{{ ''.__class__ }}",
        "{% if %}",
        "{{",
        "{%p if opening %}",
        "{%tr for x in overview %}",
        "{{ 'a'|center(99999999) }}",
        "{{ 9**99**99 }}",
        "{% include 'x' %}",
        "{{ overview[0].title }}",
        "{{ agency|title_lines }}",
        "}}",
        "{% endfor %}",
    ]
)


@st.composite
def mutated_templates(draw: st.DrawFn) -> bytes:
    """The default template with Jinja tags of every kind (valid, broken, hostile) put into its body."""
    with zipfile.ZipFile(BytesIO(TEMPLATE)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    body = parts["word/document.xml"].decode("utf-8")
    for _ in range(draw(st.integers(1, 4))):
        at = body.find("<w:t>", draw(st.integers(0, len(body) - 1)))
        if at == -1:
            continue
        tag = draw(TAGS).replace("&", "&amp;").replace("<", "&lt;")
        body = body[: at + 5] + tag + body[at + 5 :]
    parts["word/document.xml"] = body.encode("utf-8")
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


# --- the properties ---------------------------------------------------------------------------------


@given(data=mutated_workbooks())
@FUZZING
def test_damaged_workbooks(data: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("wb")
    (folder / "年报.xlsx").write_bytes(data)
    assert_invariants("xlsx", data, ["check", "年报.xlsx", "--json"], folder)
    assert_invariants("xlsx", data, ["build", "年报.xlsx", "-o", "报告.docx"], folder, folder / "报告.docx")


@given(data=mutated_documents())
@FUZZING
def test_damaged_documents(data: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("js")
    (folder / "年报.json").write_bytes(data)
    assert_invariants("json", data, ["build", "年报.json", "-o", "报告.docx"], folder, folder / "报告.docx")


@given(data=mutated_templates())
@FUZZING
def test_damaged_templates(data: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("tp")
    (folder / "模板.docx").write_bytes(data)
    (folder / "年报.json").write_bytes((ROOT / "inputs" / "seed.json").read_bytes())
    assert_invariants("docx", data, ["template", "check", "模板.docx"], folder)
    args = ["build", "年报.json", "--template", "模板.docx", "-o", "报告.docx"]
    assert_invariants("docx", data, args, folder, folder / "报告.docx")


REGRESSIONS = sorted(path for path in (FUZZ / "regressions").glob("*-*") if path.is_file())


@pytest.mark.parametrize("path", REGRESSIONS, ids=[path.name for path in REGRESSIONS])
def test_regressions(path: Path, tmp_path: Path) -> None:
    """Every input the fuzzer once broke nianbao with, kept so that it never does again."""
    kind = path.name.split("-", 1)[0]
    data = path.read_bytes()
    if kind == "docx":
        (tmp_path / "模板.docx").write_bytes(data)
        (tmp_path / "年报.json").write_bytes((ROOT / "inputs" / "seed.json").read_bytes())
        assert_invariants(kind, data, ["template", "check", "模板.docx"], tmp_path)
        return
    name = f"年报.{kind}"
    (tmp_path / name).write_bytes(data)
    assert_invariants(kind, data, ["build", name, "-o", "报告.docx"], tmp_path, tmp_path / "报告.docx")
