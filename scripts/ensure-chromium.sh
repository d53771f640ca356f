#!/usr/bin/env bash
# The hybrid tests drive Debian's Chromium with playwright-core, which downloads no browser (playwright's
# downloads need network access, which CI may not have). Installs it when missing; needs root, as on a
# fresh Debian machine or in CI.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium is missing: install Debian's package (sudo apt-get install -y chromium) or set CHROMIUM_PATH" >&2
  exit 1
fi
echo "installing Debian's chromium for the browser tests ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
chromium --version
