#!/usr/bin/env bash
# bash scripts/jupyter-check.sh [NN ...]
# Executes every notebook (or those whose names start with the given prefixes) through real Jupyter
# (nbconvert with the tslab kernel), in quick mode unless NTK_LAB_QUICK is set otherwise, and fails if a
# cell errored, a notebook shows no figure, or a notebook wrote another set of figures and tables than
# the committed full run did. Executed notebooks go to build/quick/jupyter/ (build/jupyter/ for a full
# run), never over notebooks/. Installs JupyterLab and nbconvert into .venv on first use (pip, from the
# machine's configured package index); where pip cannot, Debian's jupyter-nbconvert and
# python3-ipykernel are the fallback.
set -euo pipefail
cd "$(dirname "$0")/.."
export NTK_LAB_QUICK="${NTK_LAB_QUICK-1}"
# The install (JupyterLab or Debian's nbconvert, and the tslab kernel) sets $python.
source scripts/jupyter-setup.sh
nbconvert=("$python" -m nbconvert)
if [ "$NTK_LAB_QUICK" = "1" ]; then out=build/quick/jupyter; else out=build/jupyter; fi
# Start from empty output folders, so the comparison below sees only what this run wrote.
if [ "$NTK_LAB_QUICK" = "1" ]; then rm -rf build/quick/figures build/quick/data; fi
mkdir -p "$out"
notebooks=()
for nb in notebooks/[0-9][0-9]-*.ipynb; do
  name=$(basename "$nb")
  if [ $# -eq 0 ]; then
    notebooks+=("$nb")
  else
    for prefix in "$@"; do [[ "$name" == "$prefix"* ]] && notebooks+=("$nb"); done
  fi
done
for nb in "${notebooks[@]}"; do
  name=$(basename "$nb" .ipynb)
  started=$SECONDS
  # nbconvert starts the kernel in the notebook's folder, as JupyterLab does.
  "${nbconvert[@]}" --to notebook --execute --ExecutePreprocessor.kernel_name=tslab \
    --ExecutePreprocessor.timeout=1200 --output-dir "$out" --output "$name" "$nb" 2>&1 |
    { grep -v "^\[NbConvertApp\] Converting\|^\[NbConvertApp\] Writing" || true; }
  npx tsx scripts/check-notebook.ts "$out/$name.ipynb"
  echo "jupyter-check: $name ran in real Jupyter in $((SECONDS - started)) s"
done
if [ "$NTK_LAB_QUICK" = "1" ]; then npx tsx scripts/check-outputs.ts "${notebooks[@]}"; fi
