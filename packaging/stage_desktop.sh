#!/usr/bin/env bash
# Lays out the Linux desktop integration under OUT: OUT/share/{applications,icons,metainfo,
# mime/packages} and OUT/install-desktop.sh, which copies them into the user's (or a system)
# data folder. build_bundle.sh stages into the bundle folder; `make desktop` into
# packaging/build/desktop. The icon PNGs are rendered here from resources/icons/archdesigner.svg.
#   packaging/stage_desktop.sh OUT [PYTHON]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: stage_desktop.sh OUT [PYTHON]}
py=${2:-$here/../.venv/bin/python}
app_id=dev.archdesigner.ArchDesigner
share="$out/share"
mkdir -p "$share/applications" "$share/metainfo" "$share/mime/packages" "$share/icons"
cp "$here/linux/$app_id.desktop" "$share/applications/$app_id.desktop"
cp "$here/linux/$app_id.metainfo.xml" "$share/metainfo/$app_id.metainfo.xml"
cp "$here/linux/$app_id-mime.xml" "$share/mime/packages/$app_id.xml"
"$py" "$here/gen_icons.py" --out "$share/icons"
cp "$here/linux/install-desktop.sh" "$out/install-desktop.sh"
chmod +x "$out/install-desktop.sh"
