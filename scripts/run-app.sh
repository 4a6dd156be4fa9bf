#!/usr/bin/env bash
# Sets up what is missing, then opens the desktop app on an example design (or on the files
# given as arguments). Without a display it starts on a virtual one (Xvfb) when available.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
design=("$@")
[ ${#design[@]} -gt 0 ] || design=(resources/examples/web-shop.arch.json)
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  if command -v xvfb-run >/dev/null 2>&1; then
    echo "run-app: no display found, starting on a virtual one (xvfb-run)"
    exec xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/archdesigner "${design[@]}"
  fi
fi
exec .venv/bin/archdesigner "${design[@]}"
