#!/usr/bin/env bash
# Smoke test of a built bundle, run the way a user without Python would run it: a bare
# environment (no PYTHONPATH, no virtual env on PATH, an empty home), every command on a
# design made from the bundle's own templates, then the desktop app offscreen and, where
# Xvfb is installed, on a virtual X display.
#   packaging/smoke_test.sh [BUNDLE_DIR]     (default packaging/dist/archdesigner)
set -euo pipefail
bundle=$(cd "${1:-$(dirname "$0")/dist/archdesigner}" && pwd)
exe="$bundle/archdesigner"
[ -x "$exe" ] || { echo "smoke: $exe not found; build it with packaging/build_bundle.sh" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home"
fails=0
ok() { echo "smoke: ok   $*"; }
bad() { echo "smoke: FAIL $*" >&2; fails=$((fails + 1)); }
# A bare environment: nothing from the build machine's Python can leak in.
run() { env -i PATH=/usr/bin:/bin HOME="$tmp/home" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen "$exe" "$@"; }

version=$(run --version) && [[ "$version" =~ ^archdesigner\ [0-9] ]] && ok "--version: $version" \
  || bad "--version printed '$version'"
commands=$(run --help | sed -n 's/^    \([a-z][a-z-]*\) .*/\1/p' | tr '\n' ' ')
ok "commands: $commands"
has() { [[ " $commands " == *" $1 "* ]]; }

# designs from every template the bundle carries (proves resources/ is inside)
examples="$bundle/_internal/archdesigner/resources/examples"
[ -d "$bundle/_internal/archdesigner/resources/icons" ] && ok "resources/ inside the bundle" \
  || bad "no archdesigner/resources/icons inside the bundle"
templates="empty"
for f in "$examples"/*.arch.json; do [ -e "$f" ] && templates="$templates $(basename "$f" .arch.json)"; done
design=""
for t in $templates; do
  f="$tmp/$t.arch.json"
  if run new "$f" --template "$t" >/dev/null && run validate -q "$f"; then
    ok "new --template $t, validate"
    [ "$t" = empty ] || [ -n "$design" ] || design=$f
  else
    bad "new --template $t"
  fi
done
if [ -z "$design" ]; then
  design="$tmp/small.arch.json"
  cat > "$design" <<'JSON'
{"format": "archdesigner.design", "version": 1, "name": "smoke",
 "nodes": [{"id": "web", "kind": "client"}, {"id": "api", "kind": "service"},
           {"id": "db", "kind": "database", "technology": "postgres"}],
 "links": [{"source": "web", "target": "api"}, {"source": "api", "target": "db"}]}
JSON
  echo "smoke: note no example templates in this build; using a small design"
fi
run schema | grep -q '"\$schema"' && ok "schema" || bad "schema"

if has lint; then
  set +e; run lint "$design" > "$tmp/lint.txt" 2>&1; rc=$?; set -e
  if [ $rc -le 1 ]; then ok "lint (exit $rc, $(wc -l < "$tmp/lint.txt") lines)"; else bad "lint exit $rc: $(head -3 "$tmp/lint.txt")"; fi
  set +e; run lint "$design" --format sarif > "$tmp/lint.sarif" 2>"$tmp/lint.err"; rc=$?; set -e
  if [ $rc -le 1 ] && grep -q '"2.1.0"' "$tmp/lint.sarif"; then ok "lint --format sarif"; else bad "lint --format sarif exit $rc: $(head -3 "$tmp/lint.err")"; fi
  run rules > "$tmp/rules.txt" && grep -q SPF001 "$tmp/rules.txt" && ok "rules lists the built-ins" || bad "rules"
  # a folder plugin (the example plugin of the source tree) loads into the frozen program
  plugin_dir="$(cd "$(dirname "$0")/.." && pwd)/plugins/archdesigner-security/src"
  if [ -d "$plugin_dir" ]; then
    run rules --plugins "$plugin_dir" > "$tmp/rules.txt" 2>&1 && grep -q "^SEC001" "$tmp/rules.txt" \
      && ok "rules --plugins loads a folder plugin" || bad "folder plugin: $(head -3 "$tmp/rules.txt")"
  fi
else
  bad "no 'lint' command in this build"
fi
if has export; then
  run export "$design" --to svg -o "$tmp/d.svg" && grep -q "<svg" "$tmp/d.svg" && ok "export --to svg" || bad "export --to svg"
  run export "$design" --to compose -o "$tmp/compose.yaml" 2>/dev/null && grep -q "services:" "$tmp/compose.yaml" && ok "export --to compose" || bad "export --to compose"
else
  bad "no 'export' command in this build"
fi
if has import; then
  printf 'services:\n  web:\n    image: nginx\n    depends_on: [db]\n  db:\n    image: postgres:16\n' > "$tmp/compose-in.yaml"
  run import "$tmp/compose-in.yaml" -o "$tmp/imported.arch.json" >/dev/null 2>&1 && run validate -q "$tmp/imported.arch.json" \
    && ok "import compose" || bad "import compose"
else
  bad "no 'import' command in this build"
fi
if has render; then
  if run render "$design" -o "$tmp/shot.png" >/dev/null && [ "$(head -c 4 "$tmp/shot.png" | od -An -c | tr -d ' ')" = "211PNG" ]; then
    ok "render -o shot.png ($(wc -c < "$tmp/shot.png") bytes)"
  else
    bad "render"
  fi
else
  bad "no 'render' command in this build"
fi

# the desktop app: it must start and stay up (offscreen), and show a window on X (Xvfb)
# (the program itself is started in the background, not a shell function, so that its own
# process id is the one stopped afterwards)
env -i PATH=/usr/bin:/bin HOME="$tmp/home" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
  "$exe" "$design" 2>"$tmp/gui.err" &
gui=$!
sleep "${SMOKE_GUI_SECONDS:-5}"
if kill -0 "$gui" 2>/dev/null; then
  ok "app starts offscreen"
  kill "$gui"
else
  bad "app offscreen: $(head -3 "$tmp/gui.err")"
fi
wait "$gui" 2>/dev/null || true
if command -v xvfb-run >/dev/null 2>&1 && command -v xwininfo >/dev/null 2>&1; then
  cat > "$tmp/x.sh" <<XSH
#!/bin/sh
env -i PATH=/usr/bin:/bin HOME="$tmp/home" LANG=C.UTF-8 DISPLAY="\$DISPLAY" XAUTHORITY="\$XAUTHORITY" "$exe" "$design" &
pid=\$!
sleep ${SMOKE_GUI_SECONDS:-5}
xwininfo -root -tree | grep '("archdesigner"' | grep -v ' 1x1+' > "$tmp/windows.txt"
kill \$pid 2>/dev/null
wait \$pid 2>/dev/null
XSH
  chmod +x "$tmp/x.sh"
  xvfb-run -a -s "-screen 0 1280x800x24" "$tmp/x.sh" 2>"$tmp/xgui.err" || true
  if [ -s "$tmp/windows.txt" ] 2>/dev/null; then
    ok "app window on X: $(head -1 "$tmp/windows.txt" | sed 's/^ *//' | cut -c1-80)"
  else
    bad "no app window under Xvfb: $(head -3 "$tmp/xgui.err")"
  fi
else
  echo "smoke: skip the X11 window check (xvfb-run or xwininfo missing)"
fi

if [ "$fails" -gt 0 ]; then echo "smoke: $fails check(s) failed" >&2; exit 1; fi
echo "smoke: all checks passed"
