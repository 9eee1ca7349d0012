/**
 * The programs the lifecycle proofs run through both engines (the local one in tests/e2e and the
 * real pulumi CLI in tests/cli/lifecycle.test.ts), so that both prove the same thing.
 */
import type { FaultRule } from "../sim";
import type { Declared } from "./harness";

/** A TOTP factor's URI (the secret of RFC 6238's examples). */
export const TOTP_A = "otpauth://totp/pve:alice?secret=JBSWY3DPEHPK3PXP";

/** A zone whose staged apply will fail, and a TFA entry whose follow-up `enable` write will fail. */
export const partialCreateProgram: Declared[] = [
  { namespace: "sdn", kind: "Zone", name: "zone", args: { zone: "zp", type: "simple", mtu: 1450 } },
  {
    namespace: "access",
    kind: "Tfa",
    name: "phone",
    args: { userId: "alice@pve", type: "totp", totp: { $secret: TOTP_A }, description: "phone", enable: false },
  },
];

/** PVE commits the staged zone, then its reload task fails; the TFA entry's follow-up `enable` write fails. */
export const PARTIAL_CREATE_FAULTS: readonly FaultRule[] = [
  { method: "PUT", path: "/cluster/sdn", times: 1, action: { type: "task-fail", message: "reload network failed" } },
  { method: "PUT", path: "/access/tfa/alice@pve/*", times: 1, action: { type: "status", status: 500, message: "tfa config write failed" } },
];

/** IP sets with entries, an SDN zone and a pool member (pool `pm` must exist): the deletes to prove idempotent. */
export const deletesProgram = (comment: string): Declared[] => [
  { namespace: "firewall", kind: "IpSet", name: "office", args: { name: "office", comment } },
  {
    namespace: "firewall",
    kind: "IpSetEntry",
    name: "office-lan",
    args: { ipSet: "office", cidr: "10.0.0.0/24", comment: "lan" },
    dependsOn: ["office"],
  },
  { namespace: "firewall", kind: "IpSet", name: "lab", args: { name: "lab" } },
  { namespace: "firewall", kind: "IpSetEntry", name: "lab-net", args: { ipSet: "lab", cidr: "10.1.0.0/24" }, dependsOn: ["lab"] },
  { namespace: "sdn", kind: "Zone", name: "zone", args: { zone: "zd", type: "simple" } },
  { namespace: "cluster", kind: "PoolMembership", name: "member", args: { poolId: "pm", vmId: "100" } },
];

/** Resources with Pulumi's resource options: a protected pool, a retained one, a group replaced on a comment change. */
export const optionResources = {
  guarded: (protect: boolean): Declared => ({ namespace: "cluster", kind: "Pool", name: "guarded", args: { poolId: "guarded" }, options: { protect } }),
  kept: { namespace: "cluster", kind: "Pool", name: "kept", args: { poolId: "kept" }, options: { retainOnDelete: true } } satisfies Declared,
  group: (comment: string): Declared => ({
    namespace: "access",
    kind: "Group",
    name: "team",
    args: { groupId: "team", comment },
    // Same id: the old group must go first.
    options: { replaceOnChanges: ["comment"], deleteBeforeReplace: true },
  }),
};
