#!/usr/bin/env bash
# Executes notebooks/00-quickstart.ipynb with real Jupyter (nbconvert and the tslab kernel) and checks that
# no cell errored and the figure output is there. Installs JupyterLab and nbconvert into .venv on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v python3 >/dev/null 2>&1; then
  echo "jupyter-check: skipped: python3 is not on this machine"
  exit 0
fi
if [ ! -x .venv/bin/jupyter ]; then
  python3 -m venv .venv
  # --retries 0 --timeout 2: an unreachable index fails at once instead of retrying for minutes.
  .venv/bin/pip install --quiet --retries 0 --timeout 2 jupyterlab nbconvert 2>&1 | { grep -v "is ignored: it is neither" || true; }
fi
npx tslab install --python=.venv/bin/python --sys-prefix --binary="$PWD/node_modules/.bin/tslab"
out=$(mktemp -d)
# nbconvert starts the kernel in the notebook's folder, as JupyterLab does.
.venv/bin/jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=tslab \
  --ExecutePreprocessor.timeout=600 --output-dir "$out" --output 00-quickstart notebooks/00-quickstart.ipynb
npx tsx scripts/check-notebook.ts "$out/00-quickstart.ipynb"
rm -rf "$out"
