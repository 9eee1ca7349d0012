/**
 * Request parameters create and update treat alike (qemu-server `src/PVE/API2/Qemu.pm`
 * `$resolve_cdrom_alias`, the `sshkeys` check, the `cpuunits` clamp): `cdrom` is `ide2` with
 * `media=cdrom`; `sshkeys` must hold public keys (pve-common `validate_ssh_public_keys`, which
 * runs `ssh-keygen -l` on each line); `cpuunits` is clamped for cgroup v2 (pve-common
 * `CGroup::clamp_cpu_shares`: at most 10000).
 */
import { clampCpuShares, validateSshPublicKeys } from "../guests/params";

/** Normalises `params` in place and refuses invalid `sshkeys`. */
export function prepareParams(params: Record<string, string | number>): void {
  if (params.cdrom !== undefined) {
    const value = String(params.cdrom);
    params.ide2 = /media=/.test(value) ? value : `${value},media=cdrom`;
    delete params.cdrom;
  }
  if (typeof params.sshkeys === "string") validateSshPublicKeys(decodeURIComponent(params.sshkeys));
  if (params.cpuunits !== undefined) params.cpuunits = clampCpuShares(Number(params.cpuunits));
}
