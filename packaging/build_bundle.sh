#!/usr/bin/env bash
# Builds the one-folder desktop bundle with PyInstaller, then smoke-tests it:
#   packaging/dist/archdesigner/archdesigner        the app and the command line
#   packaging/dist/archdesigner/_internal/          Python, Qt and the libraries (no Python needed)
#   packaging/dist/archdesigner/share/              menu entry, icons, file type, AppStream data
#   packaging/dist/archdesigner/install-desktop.sh  puts share/ where the desktop finds it
#   packaging/dist/archdesigner-VERSION-linux-ARCH.tar.gz   (with --tar)
# Usage: packaging/build_bundle.sh [--tar] [--no-smoke]
# Needs the project's .venv (scripts/bootstrap.sh); installs the `packaging` extra's
# PyInstaller into it if missing. Takes about a minute on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
tar=0
smoke=1
for arg in "$@"; do
  case "$arg" in
    --tar) tar=1 ;;
    --no-smoke) smoke=0 ;;
    *) echo "build_bundle.sh: unknown option $arg (use --tar, --no-smoke)" >&2; exit 2 ;;
  esac
done
py=.venv/bin/python
[ -x "$py" ] || scripts/bootstrap.sh

if ! "$py" -c "import PyInstaller" 2>/dev/null; then
  # the requirement comes from the `packaging` extra in pyproject.toml, the one place it is named
  mapfile -t reqs < <("$py" -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["packaging"], sep="\n")')
  echo "build_bundle: installing ${reqs[*]}"
  "$py" -m pip install -q "${reqs[@]}"
fi

version=$("$py" -c 'import archdesigner; print(archdesigner.__version__)')
dist=packaging/dist
bundle="$dist/archdesigner"
start=$(date +%s)
rm -rf "$bundle"
echo "build_bundle: PyInstaller, archdesigner $version"
"$py" -m PyInstaller --noconfirm --clean --log-level ERROR \
  --workpath packaging/build/pyinstaller --distpath "$dist" packaging/archdesigner.spec
packaging/stage_desktop.sh "$bundle" "$py"
echo "build_bundle: built $bundle in $(( $(date +%s) - start )) s, $(du -sh "$bundle" | cut -f1)"

if [ "$smoke" = 1 ]; then
  packaging/smoke_test.sh "$bundle"
fi
if [ "$tar" = 1 ]; then
  archive="$dist/archdesigner-$version-linux-$(uname -m).tar.gz"
  tar -C "$dist" -czf "$archive" archdesigner
  echo "build_bundle: wrote $archive ($(du -sh "$archive" | cut -f1))"
fi
