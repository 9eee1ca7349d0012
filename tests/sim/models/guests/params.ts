/**
 * Request checks both guest types make (pve-common `PVE/Tools.pm` `validate_ssh_public_keys`,
 * `random_ether_addr`, `CGroup::clamp_cpu_shares`; pve-guest-common `GuestHelpers::check_hookscript`;
 * the numbered keys of each type's schema): public keys checked line by line (PVE runs
 * `ssh-keygen -l` on each), random locally administered MACs with the datacenter prefix, CPU
 * shares clamped to cgroup v2's 10000, hook scripts that must be snippets, and numbered keys
 * beyond a type's ranges refused as PVE's validator does.
 */
import { randomBytes } from "node:crypto";
import type { SimContext } from "../../types";
import { SimError } from "../../types";
import { pveDie } from "../config-text";
import { paramError } from "../param-error";
import { macPrefix } from "./datacenter";
import { parseVolname } from "./storage-ops";

const SSH_KEY =
  /(^|\s)(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)\s+[A-Za-z0-9+/]{16,}={0,3}(\s|$)/;

/** `validate_ssh_public_keys`: every non-empty line must be a public key. */
export function validateSshPublicKeys(keys: string): void {
  for (const line of keys.split("\n")) {
    if (!/^\s*$/.test(line) && !SSH_KEY.test(line)) throw pveDie("SSH public key validation error");
  }
}

/** `clamp_cpu_shares` for cgroup v2: at most 10000. */
export function clampCpuShares(value: number): number {
  return value >= 10000 ? 10000 : value;
}

/** `random_ether_addr($prefix)`: a random unicast, locally administered MAC under `prefix`. */
export function randomMac(prefix: string): string {
  const bytes = randomBytes(6);
  bytes[0] = ((bytes[0] ?? 0) & 0xfe) | 2;
  const addr = [...bytes].map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join(":");
  return prefix.toUpperCase() + addr.slice(prefix.length);
}

/** A random MAC with datacenter.cfg's `mac_prefix`. */
export function randomDatacenterMac(ctx: SimContext): string {
  return randomMac(macPrefix(ctx));
}

/**
 * `check_hookscript`: a volume of the snippets directory that exists. The simulator has no
 * snippet files, so every hook script that passes the type check is missing.
 */
export function checkHookscript(ctx: SimContext, volid: string): void {
  if (parseVolname(ctx, volid).vtype !== "snippets") throw pveDie(`'${volid}' is not in the snippets directory`);
  throw pveDie(`script '${volid}' does not exist`);
}

/**
 * The numbered keys of a request beyond a type's ranges (`net40`, `mp256`): PVE's schema lists
 * each numbered key, so its validator refuses these before the handler runs. `ranges` maps a
 * family (`net`) to its count.
 */
export function assertIndexRanges(params: Readonly<Record<string, unknown>>, ranges: Readonly<Record<string, number>>): void {
  const errors: Record<string, string> = {};
  for (const key of Object.keys(params)) {
    const m = /^([a-z_]+?)(\d+)$/.exec(key);
    if (!m?.[1] || m[2] === undefined) continue;
    const max = ranges[m[1]];
    if (max !== undefined && Number(m[2]) >= max) errors[key] = "property is not defined in schema and the schema does not allow additional properties";
  }
  if (Object.keys(errors).length) throw new SimError(400, "Parameter verification failed.\n", errors);
}

/** The migrate handlers' first checks of `target`: not the local node, and a cluster node (`check_node_exists`). */
export function checkMigrationTarget(ctx: SimContext, node: string, target: string): void {
  if (target === node) throw paramError({ target: "target is local node." });
  if (!ctx.nodes.includes(target)) throw pveDie(`no such cluster node '${target}'`);
}
