#!/usr/bin/env bash
# Debian packages the tests need: chromium (browser tests), mosquitto (MQTT broker), poppler-utils
# (pdftoppm renders PDF reports to PNG). Installed when missing and running as root.
# With --load also stress-ng, the CPU hog scripts/ci-under-load runs the suite against.
set -euo pipefail
need=()
[ "${1:-}" = "--load" ] && { command -v stress-ng >/dev/null 2>&1 || need+=(stress-ng); }
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need Debian packages ${need[*]}: run 'sudo apt-get install -y ${need[*]}' and try again." >&2
  exit 1
fi
echo "Installing ${need[*]} from Debian ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# mosquitto's package starts a system broker on 1883; the tests start their own on free ports.
