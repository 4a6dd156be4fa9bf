#!/usr/bin/env bash
# Sets up everything archdesigner needs on a fresh Debian/Ubuntu machine: the system packages
# (Graphviz with its gdk plugin, which hands PNG exports their pixels uncompressed; Qt's
# runtime libraries; Xvfb) and a local virtual environment in .venv with the project, its
# test tools and the example plugin installed in editable mode.
# Idempotent: a second run only checks. Safe to run as root (CI) or as a user with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(graphviz libgvc6-plugins-gtk libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0
  libfontconfig1 libglib2.0-0 libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 xvfb
  fonts-dejavu-core)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="none"; fi
  if [ "$SUDO" != none ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing system packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "bootstrap: please install these system packages by hand: ${missing[*]}" >&2
    echo "bootstrap: (Graphviz and its gdk plugin render diagrams; the others are Qt's runtime libraries)" >&2
  fi
fi

# Chromium prints PDF review reports (archdesigner report --format pdf); everything else works
# without it, so a machine whose package sources lack it only gets a warning.
if command -v dpkg-query >/dev/null 2>&1 &&
   ! dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q "install ok installed" &&
   ! command -v chromium >/dev/null 2>&1 && ! command -v google-chrome >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="none"; fi
  if [ "$SUDO" != none ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing chromium (PDF review reports)"
    { [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ] ||
        $SUDO apt-get update -qq; } &&
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium \
        >/dev/null ||
      echo "bootstrap: warning: chromium not installed; 'archdesigner report --format pdf' needs it" >&2
  else
    echo "bootstrap: install Chromium by hand for PDF review reports (apt-get install chromium)" >&2
  fi
fi

PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for cand in python3 python3.12 python3.13 python3.11; do
    if command -v "$cand" >/dev/null 2>&1 &&
       "$cand" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      PY=$cand; break
    fi
  done
fi
[ -n "$PY" ] || { echo "bootstrap: Python 3.11 or newer is needed" >&2; exit 1; }

stamp=.venv/.bootstrap-stamp
shopt -s nullglob
want=$(cat pyproject.toml plugins/*/pyproject.toml | sha256sum | cut -c1-16)
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
for plugin in plugins/*/; do
  [ -f "$plugin/pyproject.toml" ] && .venv/bin/python -m pip install -q -e "$plugin"
done
echo "$want" > "$stamp"
echo "bootstrap: .venv ready ($(.venv/bin/python --version))"
