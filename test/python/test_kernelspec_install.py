"""`sluice install --user` puts the kernelspec where Jupyter's own `jupyter kernelspec list` finds
it, by Jupyter's path rules (JUPYTER_DATA_DIR first), with and without a `jupyter` on PATH (with
one, `jupyter kernelspec install` does the install), and ships the launcher's logos."""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
LOGOS = {"logo-32x32.png", "logo-64x64.png", "logo-svg.svg"}


def _env(tmp_path, with_jupyter):
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER") and k not in ("XDG_DATA_HOME", "VIRTUAL_ENV")}
    path = [p for p in env["PATH"].split(os.pathsep) if Path(p).resolve() != VENV_BIN.resolve()]
    if with_jupyter:
        path.insert(0, str(VENV_BIN))
    env.update(PATH=os.pathsep.join(path), HOME=str(tmp_path / "home"), JUPYTER_DATA_DIR=str(tmp_path / "data"))
    return env


def _listed(env):
    out = subprocess.run([VENV_BIN / "jupyter", "kernelspec", "list", "--json"], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)["kernelspecs"]


@pytest.mark.parametrize("with_jupyter", [True, False], ids=["jupyter-on-path", "no-jupyter-on-path"])
def test_user_install_lands_where_jupyter_kernelspec_list_looks(tmp_path, with_jupyter):
    env = _env(tmp_path, with_jupyter)
    name = "sluice-user-test"
    r = subprocess.run(["node", ROOT / "bin" / "sluice.js", "install", "--user", "--name", name], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    expected = tmp_path / "data" / "kernels" / name
    assert str(expected) in r.stdout, r.stdout

    # JUPYTER_PATH only adds folders to search: the user's data folder is still searched.
    for extra in ({}, {"JUPYTER_PATH": str(tmp_path / "elsewhere")}):
        specs = _listed({**env, **extra})
        assert name in specs, specs.keys()
        assert Path(specs[name]["resource_dir"]) == expected
        assert specs[name]["spec"]["display_name"] == "Sluice (TypeScript)"
    assert LOGOS <= {p.name for p in expected.iterdir()}, "the launcher's logos"
    assert (expected / "logo-64x64.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    r = subprocess.run(["node", ROOT / "bin" / "sluice.js", "uninstall", "--user", "--name", name], env=env, capture_output=True, text=True)
    assert r.returncode == 0 and name not in _listed(env), r.stdout + r.stderr
