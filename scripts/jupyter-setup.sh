#!/usr/bin/env bash
# bash scripts/jupyter-setup.sh
# JupyterLab for the lab, in .venv: JupyterLab, nbconvert and ipykernel from pip (the machine's configured
# package index), the tslab kernel registered in it, autosave off (an edited parameter then never rewrites a
# committed notebook behind your back: save with Ctrl+S when you mean it), and the committed notebooks
# trusted. Where pip cannot install, Debian's jupyter-nbconvert and python3-ipykernel are the fallback
# (nbconvert only, for scripts/jupyter-check.sh). Sourced by jupyter-check.sh, which reads $python.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v python3 >/dev/null 2>&1; then
  echo "jupyter-setup: python3 is not on this machine; real Jupyter cannot run" >&2
  exit 1
fi
python=.venv/bin/python
if [ ! -x .venv/bin/jupyter-nbconvert ] || [ ! -x .venv/bin/jupyter-lab ]; then
  rm -rf .venv
  python3 -m venv .venv
  # --retries 0 --timeout 2: an unreachable index fails at once instead of retrying for minutes.
  if ! .venv/bin/pip install --quiet --retries 0 --timeout 2 jupyterlab nbconvert ipykernel 2>&1 |
    { grep -v "is ignored: it is neither" || true; }; then
    echo "jupyter-setup: pip could not install JupyterLab; trying Debian's nbconvert" >&2
  fi
fi
if [ ! -x .venv/bin/jupyter-nbconvert ]; then
  # Debian's packages install for Debian's own interpreter, which need not be the python3 on PATH.
  python=/usr/bin/python3
  if ! "$python" -c "import nbconvert, ipykernel" 2>/dev/null; then
    apt-get install -y -q jupyter-nbconvert python3-ipykernel >/dev/null
  fi
fi
npx tslab install --python="$python" --sys-prefix --binary="$PWD/node_modules/.bin/tslab"
if [ -x .venv/bin/jupyter-lab ]; then
  settings=.venv/share/jupyter/lab/settings
  mkdir -p "$settings"
  # No news feed or update check either: both ask a website, and the news toast covers the outputs.
  cat >"$settings/overrides.json" <<'JSON'
{
  "@jupyterlab/docmanager-extension:plugin": { "autosave": false },
  "@jupyterlab/apputils-extension:notification": { "fetchNews": "false", "checkForUpdates": false }
}
JSON
  .venv/bin/jupyter trust notebooks/[0-9][0-9]-*.ipynb >/dev/null
fi
