#!/bin/sh
# Install the Debian 12 packages roomsys needs to build, run and test, when
# they are missing. Needs root (or sudo). Idempotent and quiet when all present.
set -eu
PKGS="build-essential cmake pkg-config clang clang-format libsqlite3-dev sqlite3 libjansson-dev
libmicrohttpd-dev libgnutls28-dev libargon2-dev libcurl4-gnutls-dev libedit-dev libinih-dev
libcmocka-dev sip-tester baresip-core linphone-cli curl jq python3 ca-certificates procps iproute2 faketime
libical-dev python3-recurring-ical-events chromium prometheus wrk nginx fiu-utils"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
# Node.js >= 20 runs the npm clients the tests drive (msal-node, graph-client,
# playwright-core need it); Debian 12's own nodejs is 18, so a newer one that is
# already installed is kept and Debian's is only a fallback.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$node_major" -ge 20 ] 2>/dev/null || missing="$missing nodejs npm"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
if [ -n "$missing" ]; then
    echo "roomsys: installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# The npm clients, pinned by tests/node/package-lock.json (never a browser
# download: playwright-core drives Debian's /usr/bin/chromium).
root=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -d "$root/tests/node/node_modules/@azure/msal-node" ] ||
   [ ! -d "$root/tests/node/node_modules/playwright-core" ] ||
   [ ! -d "$root/tests/node/node_modules/@microsoft/microsoft-graph-client" ]; then
    echo "roomsys: installing the npm test clients (tests/node)"
    (cd "$root/tests/node" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi
