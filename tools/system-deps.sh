#!/usr/bin/env bash
# Debian/Ubuntu libraries Qt needs that a bare machine may lack.
#   tools/system-deps.sh test   -> offscreen tests (make test, CI)
#   tools/system-deps.sh gui    -> a real window (make run) and xvfb screenshots
# Installs only what is missing; elsewhere (macOS, Windows) it does nothing.
set -euo pipefail
kind=${1:-test}
command -v dpkg >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 || exit 0

# dbus: dbus-daemon and dbus-send, for tests/ui/test_session_lock.py (a private bus of its own).
pkgs=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0 fonts-dejavu-core dbus)
if [ "$kind" = gui ] || [ "$kind" = screenshots ]; then
  pkgs+=(libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
         libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 libx11-xcb1)
fi
if [ "$kind" = screenshots ]; then
  pkgs+=(xvfb xauth poppler-utils)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing system libraries Qt needs: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Please install as root: apt-get install ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
