#!/usr/bin/env bash
# Install sasci-sim into ./.venv with Python 3.12 or newer.
#   bash scripts/install.sh          the package
#   bash scripts/install.sh --test   the package and everything its tests need
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
for arg in "$@"; do
  case "$arg" in
    --test) extras="[test]" ;;
    *) echo "usage: bash scripts/install.sh [--test]" >&2; exit 2 ;;
  esac
done

ok_python() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {
  local c
  for c in "${PYTHON:-}" python3.13 python3.12 python3; do
    [ -n "$c" ] && ok_python "$c" && { command -v "$c"; return; }
  done
  # pyenv installs that are not the active version
  if command -v pyenv >/dev/null 2>&1; then
    for c in "$(pyenv root)"/versions/3.1[2-9]*/bin/python3; do
      [ -x "$c" ] && ok_python "$c" && { echo "$c"; return; }
    done
  fi
  return 1
}

if [ ! -x .venv/bin/python ] || ! ok_python .venv/bin/python; then
  py=$(find_python) || { echo "error: sasci-sim needs Python 3.12 or newer (set PYTHON=/path/to/python3.12)" >&2; exit 2; }
  echo "creating .venv with $py ($("$py" --version))" >&2
  rm -rf .venv
  "$py" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "^WARNING: Location" >&2 || true
# setuptools reports every editable install with an alarming-looking "BuildBackendWarning:
# Editable installation ... Please be careful with folders ..." that is for information only
# (its class is InformationOnly); this filter silences that one message and nothing else.
PYTHONWARNINGS="ignore:Editable installation${PYTHONWARNINGS:+,$PYTHONWARNINGS}" \
  .venv/bin/python -m pip install --quiet -e ".${extras}" 2>&1 | grep -v "^WARNING: Location" >&2 || true
.venv/bin/python -c "import sasci_sim" || { echo "error: installing sasci-sim failed" >&2; exit 1; }

# Browser tests drive Debian's Chromium (Playwright cannot download browsers here).
if [ -n "$extras" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium for the browser tests" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "warning: could not install chromium; browser tests will be skipped" >&2
  else
    echo "note: /usr/bin/chromium is missing; browser tests will be skipped (apt-get install chromium)" >&2
  fi
fi
