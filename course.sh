#!/usr/bin/env bash
# One entry point for the course kit. Every command first sets up .venv (quickly when done already).
#
#   bash course.sh lab [jupyter lab args]   set up, then open the notebooks in JupyterLab
#   bash course.sh test [pytest args]       set up, then ruff + unit tests + browser test + every notebook (quick)
#   bash course.sh setup                    set up only
#   bash course.sh student [names]          write student copies (solutions removed) into student/
#   bash course.sh execute [names] [--mode quick|full] [--times-only]
#                                           re-run notebooks (default: all, full mode), store outputs, record times
#
# Environment: PYTHON (the interpreter for a new .venv), TORCH_INDEX_URL (where to get torch, e.g.
# https://download.pytorch.org/whl/cpu for the CPU-only build), PTLIB_MODE, PTLIB_CACHE.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
STAMP="$VENV/.course-setup"
TORCH_VERSION="2.13.0"   # installed only where the environment has no torch yet

say() { printf '[course] %s\n' "$*"; }
die() { printf '[course] error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,12p' "$ROOT/course.sh" | sed 's/^# \{0,1\}//'
}

# Print the interpreter to build .venv with: $PYTHON, else the first python3 >= 3.10 on PATH.
# (It prints sys.executable, so that a pyenv or similar shim resolves to the real interpreter.)
find_python() {
  local candidate
  local check='import sys; sys.exit(1) if sys.version_info < (3, 10) else print(sys.executable)'
  if [[ -n "${PYTHON:-}" ]]; then
    command -v "$PYTHON" >/dev/null 2>&1 || die "PYTHON=$PYTHON: no such interpreter"
    "$PYTHON" -c "$check" 2>/dev/null || die "PYTHON=$PYTHON is $("$PYTHON" -V 2>&1); Python 3.10 or newer is needed"
    return
  fi
  for candidate in python3 python3.13 python3.12 python3.11 python3.10 python; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "$check" 2>/dev/null; then
      return
    fi
  done
  die "no Python 3.10 or newer found on PATH. Install one (e.g. 'sudo apt install python3'), or point PYTHON at it: PYTHON=/path/to/python3.12 bash course.sh $COMMAND"
}

# What the installed environment depends on; a change means pip has to run again.
setup_fingerprint() {
  {
    echo "root=$ROOT torch=$TORCH_VERSION"
    "$PY" -c 'import sys; print(sys.version)'
    cat pyproject.toml
    [[ -f requirements.txt ]] && cat requirements.txt
    true
  } | "$PY" -c 'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())'
}

installed_version() {  # installed_version DIST: its version, or nothing
  "$PY" - "$1" <<'EOF' 2>/dev/null || true
import importlib.metadata, sys
try:
    print(importlib.metadata.version(sys.argv[1]))
except importlib.metadata.PackageNotFoundError:
    pass
EOF
}

setup() {
  if [[ -d "$VENV" ]] && ! "$PY" -c 'import sys' >/dev/null 2>&1; then
    die ".venv is broken (its Python does not start: was Python upgraded or removed?). Remove it with 'rm -rf .venv' and run this again."
  fi
  if [[ -d "$VENV" && -n "${PYTHON:-}" ]]; then
    say "note: PYTHON is ignored because .venv exists already ($("$PY" -V 2>&1)); remove .venv to rebuild it"
  fi
  if [[ ! -d "$VENV" ]]; then
    local python
    python="$(find_python)"
    say "creating .venv with $python ($("$python" -V 2>&1))"
    "$python" -m venv "$VENV" || die "could not create .venv. On Debian/Ubuntu install the venv module first: sudo apt install python3-venv"
  fi

  local fingerprint
  fingerprint="$(setup_fingerprint)"
  # (-I: without the current folder on sys.path, so that only an installed ptlib counts)
  if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$fingerprint" ]] && "$PY" -I -c 'import ptlib' >/dev/null 2>&1; then
    return 0  # set up already, and nothing it depends on has changed
  fi

  local pip=("$PY" -m pip install)
  [[ -t 1 ]] || pip+=(--progress-bar off)

  local torch_before
  torch_before="$(installed_version torch)"
  if [[ -n "$torch_before" ]]; then
    say "keeping the installed torch $torch_before"
  else
    # torch alone and pinned: a looser request lets pip choose a build with GBs of CUDA libraries
    say "installing torch==$TORCH_VERSION${TORCH_INDEX_URL:+ from $TORCH_INDEX_URL}"
    "${pip[@]}" "torch==$TORCH_VERSION" ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"}
    torch_before="$(installed_version torch)"
  fi

  say "installing ptlib (editable) with its test and JupyterLab extras"
  "${pip[@]}" -e ".[test,lab]"
  local torch_after
  torch_after="$(installed_version torch)"
  [[ "$torch_after" == "$torch_before" ]] || say "warning: pip replaced torch $torch_before by $torch_after"

  setup_fingerprint >"$STAMP"
  say "set-up done: $("$PY" -V 2>&1), torch $torch_after, in $VENV"
}

use_venv() {  # so that tools, kernels and terminals started from here find the course environment
  export VIRTUAL_ENV="$VENV"
  export PATH="$VENV/bin:$PATH"
}

COMMAND="${1:-}"
[[ $# -gt 0 ]] && shift
case "$COMMAND" in
  setup)
    setup
    ;;
  lab)
    setup
    use_venv
    say "starting JupyterLab in notebooks/ (stop it with Ctrl-C)"
    # Jupyter refuses to run as root without this flag; root is the usual user in containers
    [[ $EUID -eq 0 ]] && set -- --allow-root "$@"
    exec "$PY" -m jupyterlab --notebook-dir="$ROOT/notebooks" "$@"
    ;;
  test)
    setup
    use_venv
    say "ruff check ."
    "$PY" -m ruff check .
    say "pytest: unit tests, the widgets in a browser (tests/browser), then every notebook in quick mode"
    # nbval runs each notebook in notebooks/ top to bottom; --nbval-lax compares outputs only in
    # cells marked `# NBVAL_CHECK_OUTPUT`, and --nbval-current-env runs them with this very Python
    PTLIB_MODE=quick exec "$PY" -m pytest tests notebooks --nbval-lax --nbval-current-env \
      --nbval-cell-timeout=300 -p no:cacheprovider "$@"
    ;;
  student)
    setup
    exec "$PY" tools/student_copies.py "$@"
    ;;
  execute)
    setup
    use_venv
    exec "$PY" tools/execute_notebooks.py "$@"
    ;;
  -h | --help | help)
    usage
    ;;
  "")
    usage
    exit 2
    ;;
  *)
    usage >&2
    die "unknown command '$COMMAND'"
    ;;
esac
