/**
 * Lifecycle scenarios of the access-control, datacenter-governance and storage kinds (issue 5),
 * in their own file so the suites run in parallel with the others.
 */
import type { ProxmoxClient } from "../../provider/client";
import type { KindScenario } from "./scenarios";

async function found(get: () => Promise<unknown>): Promise<boolean> {
  try {
    const value = await get();
    return !(Array.isArray(value) && value.length === 0);
  } catch (error) {
    const kind = (error as { kind?: string }).kind;
    // A missing backup job is a parameter error ("No such job") on PVE.
    if (kind === "not-found" || /No such job/.test(String(error))) return false;
    throw error;
  }
}

const TOTP_A = "otpauth://totp/pve:alice?secret=JBSWY3DPEHPK3PXP";
const TOTP_B = "otpauth://totp/pve:alice?secret=KRSXG5CTMVRXEZLU";

type Entry = { id: string; type: string; description: string };
const tfaEntries = (admin: ProxmoxClient): Promise<Entry[]> => admin.get<Entry[]>("/access/tfa/alice@pve");

export const accessGovernanceScenarios: KindScenario[] = [
  {
    namespace: "access",
    kind: "Realm",
    initial: {
      realm: "corp",
      type: "ldap",
      server1: "ldap1.example.com",
      baseDn: "dc=example,dc=com",
      userAttr: "uid",
      bindDn: "cn=pve,dc=example,dc=com",
      password: { $secret: "bind-Passw0rd-secret" },
      syncDefaults: { scope: "both", enableNew: true, removeVanished: "acl;entry" },
      tfa: { type: "oath", digits: 6 },
    },
    updated: {
      args: {
        realm: "corp",
        type: "ldap",
        server1: "ldap2.example.com",
        baseDn: "dc=example,dc=com",
        userAttr: "uid",
        bindDn: "cn=pve,dc=example,dc=com",
        password: { $secret: "bind-Passw0rd-secret" },
        syncDefaults: { scope: "users", enableNew: true, removeVanished: "acl;entry" },
        tfa: { type: "oath", digits: 6 },
      },
      diffs: ["server1", "syncDefaults"],
    },
    replaced: {
      args: { realm: "corp2", type: "openid", issuerUrl: "https://id.example.com", clientId: "pve", clientKey: { $secret: "client-Key-secret" } },
      replaces: ["realm", "type"],
    },
    exists: (admin, a) => found(async () => (await admin.get<Array<{ realm: string }>>("/access/domains")).filter((r) => r.realm === a["realm"])),
    drift: { edit: (admin, a) => admin.put(`/access/domains/${String(a["realm"])}`, { "client-id": "by-hand" }), keys: ["clientId"] },
    existing: async (admin) => {
      await admin.post("/access/domains", { realm: "adopted", type: "ad", server1: "dc.example.com", domain: "example.com", comment: "made by hand" });
      return { importId: "adopted", args: { realm: "adopted", type: "ad", server1: "dc.example.com", domain: "example.com", comment: "made by hand" } };
    },
    secrets: ["bind-Passw0rd-secret", "client-Key-secret"],
  },
  {
    namespace: "access",
    kind: "Tfa",
    // PVE refuses API tokens on /access/tfa. The entry is alice's: a second factor on root@pam
    // would make the provider's own password login need a code.
    auth: "ticket",
    setup: (admin) => admin.post("/access/users", { userid: "alice@pve", password: "alice-Passw0rd" }),
    initial: { userId: "alice@pve", type: "totp", totp: { $secret: TOTP_A }, description: "phone" },
    updated: {
      args: { userId: "alice@pve", type: "totp", totp: { $secret: TOTP_A }, description: "phone two", enable: false },
      diffs: ["description", "enable"],
    },
    replaced: { args: { userId: "alice@pve", type: "totp", totp: { $secret: TOTP_B }, description: "new phone" }, replaces: ["totp"] },
    exists: async (admin, a) => (await tfaEntries(admin)).some((e) => e.type === a["type"] && e.description === a["description"]),
    drift: {
      edit: async (admin, a) => {
        const entry = (await tfaEntries(admin)).find((e) => e.description === a["description"]);
        return admin.put(`/access/tfa/alice@pve/${entry?.id ?? "missing"}`, { description: "by hand" });
      },
      keys: ["description"],
    },
    existing: async (admin) => {
      // A recovery entry has no description of its own: PVE drops one.
      await admin.post("/access/tfa/alice@pve", { type: "recovery" });
      return { importId: "alice@pve/recovery", args: { userId: "alice@pve", type: "recovery" } };
    },
    secrets: ["JBSWY3DPEHPK3PXP", "KRSXG5CTMVRXEZLU"],
    invalid: { args: { userId: "alice@pve", type: "totp", totp: { $secret: TOTP_A } }, property: "description" },
  },
];

export const clusterGovernanceScenarios: KindScenario[] = [
  {
    namespace: "cluster",
    kind: "PoolMembership",
    setup: async (admin) => {
      await admin.post("/pools", { poolid: "team" });
      await admin.post("/pools", { poolid: "team/dev" });
    },
    initial: { poolId: "team/dev", vmId: "100" },
    updated: { args: { poolId: "team/dev", vmId: "100", allowMove: true }, diffs: ["allowMove"] },
    replaced: { args: { poolId: "team/dev", storageId: "local" }, replaces: ["storageId", "vmId"] },
    exists: async (admin, a) => {
      const pools = await admin.get<Array<{ members?: Array<{ vmid?: number; storage?: string; type: string }> }>>("/pools", { poolid: String(a["poolId"]) });
      return (pools[0]?.members ?? []).some((m) =>
        a["vmId"] !== undefined ? String(m.vmid) === a["vmId"] : m.type === "storage" && m.storage === a["storageId"],
      );
    },
    // Another member added by hand is not this membership's business: no drift, no change.
    drift: { edit: (admin) => admin.put("/pools", { poolid: "team/dev", vms: "900" }), keys: [] },
    existing: async (admin) => {
      await admin.put("/pools", { poolid: "team", vms: "101" });
      return { importId: "team|vms=101", args: { poolId: "team", vmId: "101" } };
    },
  },
  {
    namespace: "cluster",
    kind: "BackupJob",
    initial: {
      jobId: "nightly",
      schedule: "mon..fri 02:30",
      vmIds: [101, 100],
      storage: "local",
      retention: { keepLast: 3, keepDaily: 7 },
      mode: "snapshot",
    },
    updated: {
      args: {
        jobId: "nightly",
        schedule: "sat 03:00",
        pool: "team",
        storage: "local",
        retention: { keepLast: 3, keepDaily: 7, keepWeekly: 4 },
        mode: "snapshot",
      },
      diffs: ["pool", "retention", "schedule", "vmIds"],
    },
    replaced: { args: { jobId: "weekly", schedule: "sat 03:00", all: true, storage: "local" }, replaces: ["jobId"] },
    exists: (admin, a) => found(() => admin.get(`/cluster/backup/${String(a["jobId"])}`)),
    drift: { edit: (admin, a) => admin.put(`/cluster/backup/${String(a["jobId"])}`, { schedule: "sun 01:00" }), keys: ["schedule"] },
    existing: async (admin) => {
      await admin.post("/cluster/backup", { id: "adopted", schedule: "daily", all: 1, storage: "local", "prune-backups": "keep-last=2" });
      return { importId: "adopted", args: { jobId: "adopted", schedule: "daily", all: true, storage: "local", retention: { keepLast: 2 } } };
    },
  },
  {
    namespace: "cluster",
    kind: "ReplicationJob",
    initial: { jobId: "100-0", type: "local", target: "pve2", schedule: "*/30", rate: 10 },
    updated: { args: { jobId: "100-0", type: "local", target: "pve2", schedule: "*/10", rate: 20, comment: "two" }, diffs: ["comment", "rate", "schedule"] },
    // Same id, new target: PVE must really have removed the old job before the new one can be made.
    replaced: { args: { jobId: "100-0", type: "local", target: "pve1", source: "pve2", schedule: "*/10" }, replaces: ["target"] },
    exists: async (admin, a) => {
      const jobs = await admin.get<Array<{ id: string; target: string; remove_job?: string }>>("/cluster/replication");
      return jobs.some((j) => j.id === a["jobId"] && j.target === a["target"] && j.remove_job === undefined);
    },
    drift: { edit: (admin, a) => admin.put(`/cluster/replication/${String(a["jobId"])}`, { schedule: "*/5" }), keys: ["schedule"] },
    existing: async (admin) => {
      await admin.post("/cluster/replication", { id: "200-1", type: "local", target: "pve2" });
      return { importId: "200-1", args: { jobId: "200-1", type: "local", target: "pve2" } };
    },
  },
  {
    namespace: "firewall",
    kind: "ClusterOptions",
    initial: { enable: true, policyIn: "ACCEPT", logRateLimit: { enable: true, rate: "2/second", burst: 10 } },
    updated: { args: { enable: true, policyIn: "REJECT", logRateLimit: { enable: true, rate: "2/second", burst: 10 } }, diffs: ["policyIn"] },
    exists: async (admin, a) => (await admin.get<Record<string, unknown>>("/cluster/firewall/options"))["policy_in"] === a["policyIn"],
    drift: { edit: (admin) => admin.put("/cluster/firewall/options", { policy_in: "DROP" }), keys: ["policyIn"] },
    existing: async (admin) => {
      await admin.put("/cluster/firewall/options", { ebtables: 0 });
      return { importId: "cluster-firewall", args: { ebtables: false } };
    },
  },
];

/** The storage exists with this scenario's value of `key` (a replacement changes it). */
function storageWith(key: string): KindScenario["exists"] {
  return async (admin, a) => {
    try {
      return (await admin.get<Record<string, unknown>>(`/storage/${String(a["storageId"])}`))[key] === a[key];
    } catch (error) {
      if ((error as { kind?: string }).kind === "not-found") return false;
      throw error;
    }
  };
}

export const storageScenarios: KindScenario[] = [
  {
    namespace: "storage",
    kind: "Storage",
    initial: {
      storageId: "share",
      type: "cifs",
      server: "files.example.com",
      share: "pve",
      username: "svc-pve",
      password: { $secret: "cifs-Passw0rd-secret" },
      content: ["iso", "backup"],
      nodes: ["pve1", "pve2"],
      retention: { keepLast: 3 },
    },
    updated: {
      args: {
        storageId: "share",
        type: "cifs",
        server: "files.example.com",
        share: "pve",
        username: "svc-pve",
        password: { $secret: "cifs-Passw0rd-secret" },
        content: ["backup", "iso", "vztmpl"],
        nodes: ["pve1", "pve2"],
        retention: { keepLast: 5 },
      },
      diffs: ["content", "retention"],
    },
    replaced: {
      args: {
        storageId: "share",
        type: "cifs",
        server: "files.example.com",
        share: "archive",
        username: "svc-pve",
        password: { $secret: "cifs-Passw0rd-secret" },
        content: ["backup"],
      },
      replaces: ["share"],
    },
    exists: storageWith("share"),
    drift: { edit: (admin, a) => admin.put(`/storage/${String(a["storageId"])}`, { content: "images" }), keys: ["content"] },
    existing: async (admin) => {
      await admin.post("/storage", {
        storage: "backups",
        type: "pbs",
        server: "pbs.example.com",
        datastore: "main",
        username: "pve@pbs",
        password: "pbs-Passw0rd-secret",
      });
      return { importId: "backups", args: { storageId: "backups", type: "pbs", server: "pbs.example.com", datastore: "main", username: "pve@pbs" } };
    },
    secrets: ["cifs-Passw0rd-secret"],
  },
  {
    namespace: "storage",
    kind: "Storage",
    initial: { storageId: "images", type: "dir", path: "/srv/images", content: ["images", "rootdir"] },
    updated: { args: { storageId: "images", type: "dir", path: "/srv/images", content: ["images", "rootdir"], disable: true }, diffs: ["disable"] },
    replaced: { args: { storageId: "images", type: "dir", path: "/srv/vm-images", content: ["images", "rootdir"] }, replaces: ["path"] },
    exists: storageWith("path"),
    drift: { edit: (admin, a) => admin.put(`/storage/${String(a["storageId"])}`, { content: "iso" }), keys: ["content"] },
    existing: async (admin) => {
      await admin.post("/storage", { storage: "zfs-local", type: "zfspool", pool: "rpool/data", sparse: 1 });
      return { importId: "zfs-local", args: { storageId: "zfs-local", type: "zfspool", pool: "rpool/data", sparse: true } };
    },
  },
];
