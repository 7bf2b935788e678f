#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine with Node 20 for madoguchi: the Debian packages the demo and
# the tests need (when missing, and we are root), then npm ci and a build. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
{ command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; } || missing+=(dovecot-imapd)
# Debian's libical, used by the tests to check every invitation we produce (restriction_check).
/usr/bin/python3 -c 'import gi; gi.require_version("ICal", "3.0")' >/dev/null 2>&1 || missing+=(python3-gi gir1.2-ical-3.0)
# python-icalendar: one more client the tests read our invitations with (names in ATTENDEE).
/usr/bin/python3 -c 'import icalendar' >/dev/null 2>&1 || missing+=(python3-icalendar)
# Debian's Chromium: the console's browser tests drive it with playwright-core (never a downloaded browser).
[ -x /usr/bin/chromium ] || missing+=(chromium)
# A Japanese font, so that the console's screenshots (test-output/, docs/) show text, not boxes.
[ -e /usr/share/fonts/opentype/ipafont-gothic/ipag.ttf ] || missing+=(fonts-ipafont-gothic)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # Package scripts may start system services; madoguchi never uses them (it starts its own).
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages. Install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

node -e 'const [maj]=process.versions.node.split(".").map(Number); if (maj<20) { console.error("setup: Node.js 20 or newer is required, found "+process.version); process.exit(1) }'
npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
echo "setup: ready"
