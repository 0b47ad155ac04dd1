#!/usr/bin/env bash
# Browser tests (tests/web) drive Debian's chromium through Playwright; nothing downloads a
# browser. Install it from Debian's packages when it is missing and we may (root, apt).
# Without it the browser tests skip with a reason, so a developer machine without root still
# runs everything else.
set -euo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium not found and cannot be installed here (needs root + apt); browser tests will skip" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || {
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends chromium >/dev/null
}
chromium --version
