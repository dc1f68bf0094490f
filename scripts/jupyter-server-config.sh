#!/usr/bin/env bash
# Installs Sluice's Jupyter Server settings into the Python environment of the given interpreter
# (the project's .venv, Binder's environment, the Docker image's .venv): the sluice_jupyter module
# server extension (kernel/jupyter, made importable by a .pth file) and the config that enables it
# (kernel/jupyter/jupyter_server_config.d/sluice.json, into <prefix>/etc/jupyter), and its
# prebuilt JupyterLab extension (built by scripts/labextension.sh, into
# <prefix>/share/jupyter/labextensions/sluice-jupyter, where JupyterLab finds it). Idempotent.
# Why: kernel/jupyter/sluice_jupyter/websocket.py and kernel/jupyter/labextension/src/index.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:?usage: scripts/jupyter-server-config.sh PYTHON}
site=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
prefix=$("$PY" -c 'import sys; print(sys.prefix)')
echo "$PWD/kernel/jupyter" > "$site/sluice_jupyter.pth"
install -D -m 644 kernel/jupyter/jupyter_server_config.d/sluice.json "$prefix/etc/jupyter/jupyter_server_config.d/sluice.json"

bash scripts/labextension.sh "$PY"
labext="$prefix/share/jupyter/labextensions/sluice-jupyter"
rm -rf "$labext"  # its bundles are content-hashed: a copy over an older build would keep stale ones
mkdir -p "$(dirname "$labext")"
cp -R kernel/jupyter/sluice_jupyter/labextension "$labext"
echo '{ "packageManager": "python", "packageName": "sluice_jupyter", "uninstallInstructions": "Remove this folder" }' > "$labext/install.json"
