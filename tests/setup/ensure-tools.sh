#!/usr/bin/env bash
# What the tests need on a fresh machine (CI runs as root), idempotent and quick when present:
# Debian's python3-proxmoxer for /usr/bin/python3 (the simulator's client tests), then the real
# pulumi and tofu CLIs (tests/setup/tools.ts: built once per machine from the Go module proxy,
# reused from the cache after that). Without Go, the tools step only says what to install: the
# suites that need the CLIs then fail with the same message, and the others still run.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! /usr/bin/python3 -c 'import proxmoxer' 2>/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "ensure-tools: python3-proxmoxer is missing and we are not root; install it with apt-get" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq python3-proxmoxer >/dev/null
  /usr/bin/python3 -c 'import proxmoxer'
fi
tsx tests/setup/tools.ts --pretest
