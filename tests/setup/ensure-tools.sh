#!/usr/bin/env bash
# Installs what the simulator's client tests need on a fresh machine (CI runs as root):
# Debian's python3-proxmoxer for /usr/bin/python3. Idempotent and quick when present.
set -euo pipefail
if /usr/bin/python3 -c 'import proxmoxer' 2>/dev/null; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-tools: python3-proxmoxer is missing and we are not root; install it with apt-get" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3-proxmoxer >/dev/null
/usr/bin/python3 -c 'import proxmoxer'
