"""The npm package as a user gets it: `npm pack` (its prepack builds dist/), then `npm install` of
the tarball into an empty folder outside the checkout, `sluice install` of the kernelspec from
there, and the venv's nbclient (through `sluice report` of the installed package) running a
TypeScript cell and a `%%sql` cell with that kernel; `sluice report` says what to install when the
Python or the kernelspec is missing.

npm installs with the machine's npm cache, --prefer-offline (the registry is asked only for what the
cache lacks); the test prints how long that took (about 15 s here). 35-55 s in all on a busy machine.
"""

import json
import os
import re
import subprocess
import sys
import time
import venv
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"


def _npm(args, cwd, **kw):
    return subprocess.run(["npm", *args, "--no-audit", "--no-fund", "--loglevel=error"], cwd=cwd, capture_output=True, text=True, **kw)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(app folder, packed file list): the tarball installed into a fresh folder, as a dependency."""
    tmp = tmp_path_factory.mktemp("npm-package")
    packed = _npm(["pack", "--json", "--pack-destination", str(tmp)], ROOT)
    assert packed.returncode == 0, packed.stderr
    info = json.loads(packed.stdout[packed.stdout.index("[") :])[0]  # prepack's tsc output comes first
    app = tmp / "app"
    app.mkdir()
    (app / "package.json").write_text('{ "name": "app", "private": true }\n')
    started = time.monotonic()
    r = _npm(["install", "--prefer-offline", str(tmp / info["filename"])], app)
    assert r.returncode == 0, r.stdout + r.stderr
    print(f"npm install of the packed sluice: {time.monotonic() - started:.1f} s", file=sys.stderr)
    return app, [f["path"] for f in info["files"]]


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER") and k not in ("SLUICE_PYTHON", "VIRTUAL_ENV")}
    env.update(PATH=f"{VENV_BIN}{os.pathsep}{env['PATH']}", SLUICE_HISTORY="off", **extra)
    return env


def test_the_tarball_ships_dist_and_nothing_of_the_checkout_s_tooling(installed):
    _, files = installed
    for needed in (
        "bin/sluice.js",
        "dist/kernel/src/main.js",
        "dist/engine/src/index.js",
        "dist/engine/src/index.d.ts",
        "kernel/src/report/nbrun.py",
        "kernel/logo/logo-64x64.png",
        "kernel/logo/logo-svg.svg",
    ):
        assert needed in files, needed
    unwanted = [f for f in files if f.split("/")[0] in ("test", "bench", ".ci", "scripts", "docker", "binder", "notebooks") or ".test." in f or f.endswith(".map")]
    assert not unwanted, unwanted


def test_installed_package_is_self_contained_and_importable(installed):
    app, _ = installed
    pkg = app / "node_modules" / "sluice"
    assert not pkg.is_symlink(), "a copy, not a link back to the checkout"
    for dirpath, dirnames, filenames in os.walk(app / "node_modules"):
        for name in dirnames + filenames:
            p = Path(dirpath, name)
            if p.is_symlink():
                assert ROOT not in p.resolve().parents, f"{p} points into the checkout"
    r = subprocess.run(["node", "--input-type=module", "-e", 'const m = await import("sluice"); console.log(typeof m.StreamEnvironment.create)'], cwd=app, capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "function", r.stdout + r.stderr


def _notebook(path):
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "sluice", "display_name": "Sluice (TypeScript)", "language": "typescript"}})
    nb.cells = [
        nbformat.v4.new_code_cell("const xs: number[] = [1, 2, 3];\nxs.reduce((a, b) => a + b, 0)"),
        nbformat.v4.new_code_cell("%%sql\nselect 40 + 2 as answer"),
    ]
    nbformat.write(nb, path)


def test_kernelspec_from_the_installed_package_runs_typescript_and_sql_cells(installed, tmp_path):
    """`sluice report` of the installed package runs the notebook with the venv's nbclient."""
    app, _ = installed
    sluice = app / "node_modules" / ".bin" / "sluice"
    jupyter = tmp_path / "jupyter"
    r = subprocess.run([sluice, "install", "--prefix", jupyter], cwd=app, env=_env(), capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    spec_dir = jupyter / "share" / "jupyter" / "kernels" / "sluice"
    argv = json.loads((spec_dir / "kernel.json").read_text())["argv"]
    assert Path(argv[1]).resolve() == (app / "node_modules" / "sluice" / "bin" / "sluice.js").resolve()

    _notebook(app / "nb.ipynb")
    env = _env(JUPYTER_PATH=str(jupyter / "share" / "jupyter"), SLUICE_PYTHON=str(VENV_BIN / "python"))
    r = subprocess.run([sluice, "report", "nb.ipynb", "-o", "nb.html", "--notebook-out", "nb.out.ipynb"], cwd=app, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    ts, sql = nbformat.read(app / "nb.out.ipynb", as_version=4).cells
    assert ts.outputs[0]["data"]["text/plain"].strip() == "6", ts.outputs
    assert any("42" in json.dumps(o.get("data", {})) and "answer" in json.dumps(o.get("data", {})) for o in sql.outputs), sql.outputs
    assert "answer" in (app / "nb.html").read_text()


def test_report_from_the_installed_package_says_what_to_install(installed, tmp_path):
    app, _ = installed
    sluice = app / "node_modules" / ".bin" / "sluice"
    jupyter = tmp_path / "jupyter"
    subprocess.run([sluice, "install", "--prefix", jupyter], env=_env(), check=True, capture_output=True)
    _notebook(app / "report.ipynb")
    with_kernel = _env(JUPYTER_PATH=str(jupyter / "share" / "jupyter"))

    # A Python without nbclient: the message names the packages, pinned as CI tests them.
    bare = tmp_path / "bare"
    venv.create(bare, with_pip=False)
    r = subprocess.run([sluice, "report", "report.ipynb", "-o", "out.html"], cwd=app, env={**with_kernel, "SLUICE_PYTHON": str(bare / "bin" / "python")}, capture_output=True, text=True)
    assert r.returncode == 1 and "pip install" in r.stderr, r.stderr
    ci_pins = {line.split("#")[0].strip().lower().replace("_", "-") for line in (ROOT / "scripts" / "requirements-jupyter.txt").read_text().splitlines()} - {""}
    said = {w.lower().replace("_", "-") for w in re.findall(r"[\w-]+==[\w.]+", r.stderr)}
    assert said and said <= ci_pins, (said, ci_pins)

    # No kernelspec where that Jupyter looks: the message says how to install it.
    r = subprocess.run(
        [sluice, "report", "report.ipynb", "-o", "out.html", "--kernel", "sluice-missing"], cwd=app, env={**with_kernel, "SLUICE_PYTHON": str(VENV_BIN / "python")}, capture_output=True, text=True
    )
    assert r.returncode == 1 and "sluice install --user --name sluice-missing" in r.stderr, r.stderr
