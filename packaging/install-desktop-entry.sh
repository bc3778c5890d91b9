#!/bin/sh
# Put Crucible in the desktop's application menu: run once from the unpacked bundle
# folder. It writes ~/.local/share/applications/crucible.desktop (pointing at this
# folder's `crucible`) and the icon; nothing outside your home folder is touched.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
mkdir -p "$data/applications" "$data/icons/hicolor/256x256/apps"
cp "$here/crucible.png" "$data/icons/hicolor/256x256/apps/crucible.png"
sed -e "s|^Exec=crucible|Exec=\"$here/crucible\"|" -e "s|^TryExec=crucible|TryExec=$here/crucible|" \
  "$here/crucible.desktop" > "$data/applications/crucible.desktop"
echo "Crucible is in your application menu (restart the session if it does not show yet)."
