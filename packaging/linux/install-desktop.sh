#!/bin/sh
# Installs archdesigner's desktop integration: the menu entry, the icon in every size, and the
# *.arch.json file type (double-click a design to open it). Per user by default; nothing needs
# root. Run it from the unpacked bundle, or after `make desktop` for a pip-installed command.
#
#   ./install-desktop.sh [--prefix DIR] [--exec PATH] [--uninstall]
#
#   --prefix DIR   data folder to install into (default: ${XDG_DATA_HOME:-~/.local/share};
#                  use /usr/local/share as root for every user)
#   --exec PATH    the archdesigner program the menu entry starts (default: the bundle's
#                  archdesigner beside this script, else the one on PATH)
#   --uninstall    remove what an earlier run installed
set -eu
here=$(cd "$(dirname "$0")" && pwd)
app_id=dev.archdesigner.ArchDesigner
prefix=${XDG_DATA_HOME:-$HOME/.local/share}
exe=""
uninstall=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a folder}; shift 2 ;;
    --exec) exe=${2:?--exec needs a path}; shift 2 ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-desktop.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

refresh() {
  if command -v update-mime-database >/dev/null 2>&1 && [ -d "$prefix/mime/packages" ]; then
    update-mime-database "$prefix/mime" >/dev/null 2>&1 || true
  fi
  if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$prefix/applications" 2>/dev/null || true
  fi
  if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$prefix/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t -f "$prefix/icons/hicolor" 2>/dev/null || true
  fi
}

if [ "$uninstall" = 1 ]; then
  rm -f "$prefix/applications/$app_id.desktop" "$prefix/metainfo/$app_id.metainfo.xml" \
    "$prefix/mime/packages/$app_id.xml"
  find "$prefix/icons/hicolor" -path "*/apps/$app_id.*" -type f -exec rm -f {} + 2>/dev/null || true
  refresh
  echo "install-desktop.sh: removed archdesigner's desktop integration from $prefix"
  exit 0
fi

src="$here/share"
[ -f "$src/applications/$app_id.desktop" ] || {
  echo "install-desktop.sh: $src/applications/$app_id.desktop not found (run packaging/stage_desktop.sh first)" >&2
  exit 2
}
if [ -z "$exe" ]; then
  if [ -x "$here/archdesigner" ]; then exe="$here/archdesigner"
  elif command -v archdesigner >/dev/null 2>&1; then exe=$(command -v archdesigner)
  else echo "install-desktop.sh: no archdesigner program found; pass --exec PATH" >&2; exit 2
  fi
fi
case "$exe" in /*) ;; *) exe="$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")" ;; esac
[ -x "$exe" ] || { echo "install-desktop.sh: $exe is not an executable program" >&2; exit 2; }
case "$exe" in
  *[\"\`\$\\]*) echo "install-desktop.sh: $exe: the path has a character a menu entry cannot hold" >&2; exit 2 ;;
esac

mkdir -p "$prefix/applications" "$prefix/metainfo" "$prefix/mime/packages" "$prefix/icons"
# The menu entry starts this exact program; quoted, so a path with spaces works.
sed -e "s|^Exec=archdesigner |Exec=\"$exe\" |" -e "s|^TryExec=archdesigner\$|TryExec=$exe|" \
  "$src/applications/$app_id.desktop" > "$prefix/applications/$app_id.desktop"
cp "$src/metainfo/$app_id.metainfo.xml" "$prefix/metainfo/"
cp "$src/mime/packages/$app_id.xml" "$prefix/mime/packages/"
cp -R "$src/icons/." "$prefix/icons/"
refresh
echo "install-desktop.sh: installed the menu entry, icons and the *.arch.json file type under $prefix"
echo "install-desktop.sh: the menu entry starts $exe"
