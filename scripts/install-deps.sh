#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian packages fangkong builds, tests and benchmarks with. Idempotent: it asks
# apt-get only for packages that are missing, so a second run costs one dpkg query.
set -euo pipefail

pkgs=(
    build-essential cmake pkg-config git
    libsqlite3-dev sqlite3
    libcmocka-dev
    libinih-dev
    libjansson-dev
    libxxhash-dev
    libsodium-dev
    libcrack2-dev cracklib-runtime
    libmicrohttpd-dev
    libcurl4-openssl-dev
    libpq-dev postgresql-15
    libxlsxwriter-dev
    libzip-dev libexpat1-dev
    curl
    python3 bsdextrautils procps time
    chromium fonts-wqy-microhei
    clang libclang-rt-14-dev
)

# libcurl4-openssl-dev: a province server asks its cities' servers (serve --cities).
# libpq-dev builds the PostgreSQL store (lib/store/pg); postgresql-15 is the server its tests start
# a throwaway cluster of (scripts/pg-cluster.sh). The package's own cluster is not needed.
# libzip-dev and libexpat1-dev read .xlsx imports (lib/ingest/xlsx.c).
# libcrack2-dev checks new passwords (FascistCheck); cracklib-runtime brings its dictionary.
# chromium runs the web UI's browser tests (tests/web, playwright-core); fonts-wqy-microhei gives
# it Chinese glyphs, without which the screenshots show empty boxes. clang with its libFuzzer
# (libclang-rt-14-dev on Debian 12) builds the fuzz targets of tests/fuzz.
missing=()
for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
# Node.js with its npm reads the real region codes (and later builds the web UI). A machine that
# already has a node from elsewhere keeps it: Debian's npm package conflicts with such a node.
if ! command -v npm >/dev/null 2>&1; then
    missing+=(nodejs npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all packages present"
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
