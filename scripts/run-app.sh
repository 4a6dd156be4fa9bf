#!/usr/bin/env bash
# Sets up what is missing, then opens the desktop app on an example design (or on the files
# given as arguments). Without a display it starts on a virtual one (Xvfb) when available.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
design=("$@")
[ ${#design[@]} -gt 0 ] || design=(resources/examples/web-shop.arch.json)
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "run-app: no display found: the app cannot be seen here." >&2
  echo "  For a picture of a design without a display use:" >&2
  echo "    .venv/bin/archdesigner render ${design[0]} -o shot.png" >&2
  if command -v xvfb-run >/dev/null 2>&1; then
    echo "  Starting it anyway on an invisible virtual screen (xvfb-run); Ctrl+C stops it." >&2
    exec xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/archdesigner "${design[@]}"
  fi
  exit 1
fi
exec .venv/bin/archdesigner "${design[@]}"
