#!/bin/sh
# Install what the browser tests (tests/e2e, marker e2e) and docs/screenshots need: Debian's
# Chromium (Playwright drives it via executable_path; `playwright install` is never run, browsers
# are not downloaded here) and fonts for Dutch text. The Playwright client is in the test extra.
# Run as root from the repository root; does nothing when Chromium is already there.
set -eu
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "install_browser.sh: not root, skipping Chromium (the e2e tests will be skipped)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core fonts-liberation fonts-noto-color-emoji >/dev/null
chromium --version
