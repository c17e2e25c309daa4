#!/bin/sh
# Install the system packages strata needs to build, test and run its demo.
# Called by `make check` and `make demo`; safe to run again (does nothing when
# everything is present).  Debian/Ubuntu only: elsewhere it names what is missing.
set -eu

PKGS="build-essential pkg-config libsqlite3-dev sqlite3 libpq-dev postgresql
libpg-query-dev libprotobuf-c-dev libjansson-dev libssl-dev libcmocka-dev
libinih-dev jq libmariadb-dev mariadb-server mariadb-client"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "strata: missing packages:$missing" >&2
    echo "strata: this is not a Debian-like system; install their equivalents by hand" >&2
    exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "strata: missing packages:$missing" >&2
        echo "strata: run as root:  apt-get update && apt-get install -y$missing" >&2
        exit 1
    fi
else
    SUDO=""
fi

echo "strata: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
