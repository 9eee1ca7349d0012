/**
 * Request parameters create and update treat alike (qemu-server `src/PVE/API2/Qemu.pm`
 * `$resolve_cdrom_alias`, the `sshkeys` check, the `cpuunits` clamp): `cdrom` is `ide2` with
 * `media=cdrom`; `sshkeys` must hold public keys (pve-common `validate_ssh_public_keys`, which
 * runs `ssh-keygen -l` on each line); `cpuunits` is clamped for cgroup v2 (pve-common
 * `CGroup::clamp_cpu_shares`: at most 10000).
 */
import { pveDie } from "../config-text";

const SSH_KEY = /(^|\s)(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)\s+[A-Za-z0-9+/]{16,}={0,3}(\s|$)/;

/** Normalises `params` in place and refuses invalid `sshkeys`. */
export function prepareParams(params: Record<string, string | number>): void {
  if (params.cdrom !== undefined) {
    const value = String(params.cdrom);
    params.ide2 = /media=/.test(value) ? value : `${value},media=cdrom`;
    delete params.cdrom;
  }
  if (typeof params.sshkeys === "string") {
    for (const line of decodeURIComponent(params.sshkeys).split("\n")) {
      if (!/^\s*$/.test(line) && !SSH_KEY.test(line)) throw pveDie("SSH public key validation error");
    }
  }
  if (params.cpuunits !== undefined && Number(params.cpuunits) >= 10000) params.cpuunits = 10000;
}
