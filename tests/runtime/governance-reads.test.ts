import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pve from "../../index";
import { startSimulator, type Simulator } from "../sim";

let sim: Simulator;
const saved = { ...process.env };

beforeAll(async () => {
  sim = await startSimulator({ nodes: 2, apiToken: "root@pam!reads=44444444-4444-5555-6666-777777777777", authFailureDelayMs: 0 });
  process.env["PROXMOX_VE_ENDPOINT"] = sim.endpoint;
  process.env["PROXMOX_VE_API_TOKEN"] = sim.apiToken;
  process.env["PROXMOX_VE_FINGERPRINT"] = sim.fingerprint;
  const admin = new pve.ProxmoxClient({ endpoint: sim.endpoint, apiToken: sim.apiToken, fingerprint: sim.fingerprint });
  await admin.post("/access/domains", {
    realm: "corp",
    type: "ldap",
    server1: "ldap.example.com",
    base_dn: "dc=example",
    user_attr: "uid",
    password: "bind-secret",
  });
  await admin.post("/cluster/backup", { id: "nightly", schedule: "daily", all: 1, storage: "local", "prune-backups": "keep-last=3" });
  await admin.post("/cluster/replication", { id: "100-0", type: "local", target: "pve2", rate: 5 });
  // A fresh cluster.fw holds no options: the read shows what was set.
  await admin.put("/cluster/firewall/options", { policy_in: "DROP", enable: 1 });
  await admin.post("/storage", { storage: "nfs1", type: "nfs", server: "10.0.0.5", export: "/pve", content: "iso,backup", nodes: "pve1" });
  admin.close();
});
afterAll(async () => {
  process.env = saved;
  await sim?.close();
});

describe("read functions of access, datacenter and storage", () => {
  it("access.getRealms and access.getRealm (never the bind password)", async () => {
    expect((await pve.access.getRealms()).map((r) => r.realm).sort()).toEqual(["corp", "pam", "pve"]);
    const realm = await pve.access.getRealm({ realm: "corp" });
    expect(realm).toMatchObject({ type: "ldap", server1: "ldap.example.com" });
    expect(JSON.stringify(realm)).not.toContain("bind-secret");
  });

  it("access.getRoles, getRole, getGroups and getAcl", async () => {
    expect((await pve.access.getRoles()).map((r) => r.roleid)).toContain("PVEAuditor");
    const auditor = await pve.access.getRole({ roleId: "PVEAuditor" });
    expect(auditor["VM.Audit"]).toBe(true);
    expect(auditor["VM.Allocate"]).toBeUndefined();
    expect(await pve.access.getGroups()).toEqual([]);
    expect(Array.isArray(await pve.access.getAcl())).toBe(true);
  });

  it("cluster.getBackupJobs, getBackupJob, getReplicationJobs and getReplicationJob", async () => {
    expect((await pve.cluster.getBackupJobs()).map((j) => j.id)).toEqual(["nightly"]);
    expect(await pve.cluster.getBackupJob({ jobId: "nightly" })).toMatchObject({ schedule: "daily", all: true });
    expect((await pve.cluster.getReplicationJobs()).map((j) => j.id)).toEqual(["100-0"]);
    expect(await pve.cluster.getReplicationJob({ jobId: "100-0" })).toMatchObject({ target: "pve2", rate: 5 });
  });

  it("firewall.getClusterOptions and cluster.getOptions", async () => {
    // `enable` is a flag, as in firewall.ClusterOptions: a boolean, though PVE's schema says integer.
    expect(await pve.firewall.getClusterOptions()).toMatchObject({ policyIn: "DROP", enable: true });
    expect(typeof (await pve.cluster.getOptions())).toBe("object");
  });

  it("storage.getStorages, getStorage, getNodeStorages and getNodeStorageStatus", async () => {
    expect((await pve.storage.getStorages({ type: "nfs" })).map((s) => s.storage)).toEqual(["nfs1"]);
    expect(await pve.storage.getStorage({ storageId: "nfs1" })).toMatchObject({ server: "10.0.0.5" });
    // storage_info lists a storage on every node; where `nodes` leaves it out it is disabled there.
    const onPve2 = await pve.storage.getNodeStorages({ node: "pve2" });
    expect(onPve2.find((s) => s.storage === "nfs1")).toMatchObject({ enabled: false, active: false, total: 0 });
    const status = await pve.storage.getNodeStorageStatus({ node: "pve1", storageId: "nfs1" });
    expect(status.active).toBe(true);
    expect(status.total).toBeGreaterThan(0);
  });
});
