#!/bin/sh
# Installs the Debian packages KIPP needs when they are missing and apt can be used.
#   pdf:     Pango/HarfBuzz (incl. libharfbuzz-subset0) and fonts for WeasyPrint
#   browser: Debian's chromium for the browser tests (never a downloaded browser)
# Without root or apt it only reports what is missing; CI (CI=true) then fails.
set -u
case "${1:-}" in
  pdf) pkgs="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core" ;;
  browser) pkgs="chromium" ;;
  *) echo "usage: $0 pdf|browser" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi
  if [ "$SUDO" != none ]; then
    echo "installing:$missing"
    $SUDO apt-get update -qq >/dev/null && \
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null && exit 0
  fi
fi
echo "warning: missing system packages:$missing (install them with apt-get)" >&2
[ "${CI:-}" = "true" ] && exit 1
exit 0
