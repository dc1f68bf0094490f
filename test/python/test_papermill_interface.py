"""`sluice report` offers papermill's interface, checked against papermill itself (issue 16).

papermill cannot parameterise a Sluice notebook: its extension points (entry points
`papermill.io`, `papermill.engine`) cover reading, executing and writing notebooks, while parameter
translators are a fixed table in papermill/translators.py. The first test pins that, so it fails
if papermill ever gains a way. The others give the same arguments to papermill (on a Python
notebook, `--prepare-only`, no kernel) and to `sluice report`, and compare the parameters each
records in `metadata.papermill`; the last runs a Sluice notebook with them and reads the values
back from the kernel.
"""

import json
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
PAPERMILL = [sys.executable, "-m", "papermill"]
SLUICE = ["node", str(ROOT / "bin" / "sluice.js"), "report"]

PARAMS_YAML = """\
from_file: 1.5
nested: {a: [1, 2], b: {c: x}}
flag: yes
s: overridden by -p
when: 2024-01-02
"""
ARGS = [
    "-p",
    "s",
    "text",
    "-p",
    "empty",
    "",
    "-p",
    "i",
    "42",
    "-p",
    "neg",
    " -7",
    "-p",
    "u",
    "1_000",
    "-p",
    "f",
    "2.5",
    "-p",
    "half",
    ".5",
    "-p",
    "sci",
    "1e3",
    "-p",
    "t",
    "True",
    "-p",
    "fa",
    "False",
    "-p",
    "no",
    "None",
    "-p",
    "lower",
    "true",
    "-p",
    "hexish",
    "0x10",
    "-r",
    "raw",
    "007",
    "-y",
    "ly: [1, two, {k: null}]\nd: 2024-01-02",
    "-f",
    "params.yaml",
]
DECLARED = ["s", "empty", "i", "neg", "u", "f", "half", "sci", "t", "fa", "no", "lower", "hexish", "raw", "ly", "d", "from_file", "nested", "flag", "when"]


def notebook(kernel, language, parameters_source, body):
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": kernel, "display_name": kernel, "language": language}
    nb.metadata.language_info = {"name": language}
    cell = nbformat.v4.new_code_cell(parameters_source)
    cell.metadata.tags = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell(body)]
    return nb


def write(tmp_path, name, nb):
    path = tmp_path / name
    nbformat.write(nb, path)
    (tmp_path / "params.yaml").write_text(PARAMS_YAML)
    return path


def test_papermill_has_no_parameter_translator_for_sluice(tmp_path):
    nb = write(tmp_path, "sluice.ipynb", notebook("sluice", "typescript", 'const kafka: string = "";', "kafka"))
    done = subprocess.run([*PAPERMILL, str(nb), str(tmp_path / "out.ipynb"), "-p", "kafka", "", "--prepare-only"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode != 0
    assert "No parameter translator functions specified for kernel 'sluice' or language 'typescript'" in done.stderr


def test_report_types_parameters_as_papermill_does(tmp_path):
    py = write(tmp_path, "py.ipynb", notebook("python3", "python", "\n".join(f"{n} = None" for n in DECLARED), "pass"))
    done = subprocess.run([*PAPERMILL, str(py), str(tmp_path / "py-out.ipynb"), *ARGS, "--prepare-only"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    expected = nbformat.read(tmp_path / "py-out.ipynb", as_version=4).metadata.papermill.parameters

    ts = write(tmp_path, "ts.ipynb", notebook("sluice", "typescript", "\n".join(f"const {n}: any = null;" for n in DECLARED), "1"))
    done = subprocess.run([*SLUICE, str(ts), *ARGS, "--prepare-only", "--notebook-out", str(tmp_path / "ts-out.ipynb")], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    ours = nbformat.read(tmp_path / "ts-out.ipynb", as_version=4)
    assert json.loads(json.dumps(ours.metadata.papermill.parameters)) == json.loads(json.dumps(expected))
    assert "unknown parameter" not in done.stderr
    (injected,) = [c for c in ours.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert ours.cells.index(injected) == 1, "right after the parameters cell, as papermill puts it"
    assert ours.metadata.papermill.exception is None, "prepare-only ran nothing"


def test_report_runs_a_sluice_notebook_with_papermill_arguments(tmp_path):
    body = "\n".join(
        [
            "const show = (v: unknown) => (typeof v === 'number' && !Number.isFinite(v)) ? String(v) : v;",
            "console.log(JSON.stringify({" + ", ".join(f"{n}: [typeof {n}, show({n})]" for n in DECLARED) + "}));",
        ]
    )
    ts = write(tmp_path, "run.ipynb", notebook("sluice", "typescript", "\n".join(f"const {n}: any = 'default';" for n in DECLARED), body))
    out = tmp_path / "run-out.ipynb"
    done = subprocess.run([*SLUICE, str(ts), *ARGS, "-p", "typo", "1", "-o", str(tmp_path / "run.html"), "--notebook-out", str(out)], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "warning: passed unknown parameter: typo" in done.stderr
    executed = nbformat.read(out, as_version=4)
    seen = json.loads("".join(o.text for o in executed.cells[-1].outputs if o.output_type == "stream"))
    assert seen["s"] == ["string", "text"] and seen["empty"] == ["string", ""]
    assert seen["i"] == ["number", 42] and seen["neg"] == ["number", -7] and seen["u"] == ["number", 1000]
    assert seen["f"] == ["number", 2.5] and seen["half"] == ["number", 0.5] and seen["sci"] == ["number", 1000]
    assert seen["t"] == ["boolean", True] and seen["fa"] == ["boolean", False] and seen["no"] == ["object", None]
    assert seen["lower"] == ["string", "true"] and seen["hexish"] == ["string", "0x10"] and seen["raw"] == ["string", "007"]
    assert seen["ly"] == ["object", [1, "two", {"k": None}]] and seen["d"] == ["string", "2024-01-02"]
    assert seen["from_file"] == ["number", 1.5] and seen["nested"] == ["object", {"a": [1, 2], "b": {"c": "x"}}]
    assert seen["flag"] == ["boolean", True] and seen["when"] == ["string", "2024-01-02"]
    meta = executed.metadata.papermill
    assert meta.parameters["typo"] == 1 and meta.exception is False
    assert meta.input_path == str(ts) and meta.output_path == str(out)
