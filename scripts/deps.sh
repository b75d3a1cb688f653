#!/bin/sh
# Install the Debian 12 packages roomsys needs to build, run and test, when
# they are missing. Needs root (or sudo). Idempotent and quiet when all present.
set -eu
PKGS="build-essential cmake pkg-config clang clang-format libsqlite3-dev sqlite3 libjansson-dev
libmicrohttpd-dev libgnutls28-dev libargon2-dev libcurl4-gnutls-dev libedit-dev libinih-dev
libcmocka-dev sip-tester baresip-core linphone-cli curl jq python3 ca-certificates procps iproute2 faketime
libical-dev python3-recurring-ical-events"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "roomsys: installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
