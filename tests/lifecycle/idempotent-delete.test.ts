/**
 * Every kind's delete is idempotent (issue 12): when PVE ran the removal but its answer was lost
 * (the client's own retry then finds the object gone, or a POST is not retried at all), and when
 * the object is gone already. One fixture per kind of `schema/definitions`, against the simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProxmoxClient } from "../../provider/client";
import { create, read, remove, type Props } from "../../provider/engine";
import { definitions } from "../../schema/definitions";
import type { KindDefinition } from "../../schema/define";
import { certFixture } from "../sim/models/certificates";
import { startSimulator, type Simulator } from "../sim";

const LE_TOS = "https://letsencrypt.org/documents/LE-SA-v1.5-February-24-2025.pdf";
const SOURCES = "/etc/apt/sources.list.d";
const b64 = (text: string): string => Buffer.from(text).toString("base64");

let sim: Simulator;
let client: ProxmoxClient;

async function task(write: Promise<unknown>): Promise<void> {
  const upid = await write;
  if (typeof upid === "string") await client.waitForTask(upid);
}
const applySdn = (): Promise<void> => task(client.put("/cluster/sdn", {}));

interface Fixture {
  /** What the object needs on PVE first. */
  setup?: () => Promise<unknown>;
  args: Props;
}

/** One object per kind; the keys must be exactly the kinds the provider ships. */
const fixtures: Record<string, Fixture> = {
  "access:User": { args: { userId: "del-user@pve", comment: "x" } },
  "access:Group": { args: { groupId: "del-group" } },
  "access:Role": { args: { roleId: "DelRole", privileges: ["VM.Audit"] } },
  // PVE stores no ACL entries for root@pam (user.cfg read-back), so the entry is for another user.
  "access:Acl": { setup: () => client.post("/access/users", { userid: "del-acl@pve" }), args: { path: "/vms", roleId: "PVEAuditor", userId: "del-acl@pve" } },
  "access:ApiToken": { args: { userId: "root@pam", tokenId: "del" } },
  "access:Realm": { args: { realm: "delldap", type: "ldap", server1: "ldap.example.com", baseDn: "dc=example,dc=com", userAttr: "uid" } },
  "access:RealmSync": {
    setup: () =>
      client.post("/access/domains", { realm: "delsync", type: "ldap", server1: "ldap.example.com", base_dn: "dc=example,dc=com", user_attr: "uid" }),
    args: { realm: "delsync", scope: "users" },
  },
  "access:Tfa": {
    setup: () => client.post("/access/users", { userid: "del-tfa@pve", password: "del-Passw0rd" }),
    args: { userId: "del-tfa@pve", type: "totp", totp: "otpauth://totp/pve:del?secret=JBSWY3DPEHPK3PXP", description: "phone" },
  },
  "cluster:Pool": { args: { poolId: "delpool" } },
  "vm:VirtualMachine": { args: { node: "pve1", vmid: 990, name: "del-vm", scsi: { "0": { file: "local-lvm:1" } }, started: false } },
  "cluster:PoolMembership": { setup: () => client.post("/pools", { poolid: "delmembers" }), args: { poolId: "delmembers", vmId: "100" } },
  "cluster:Options": { args: { keyboard: "de" } },
  "cluster:BackupJob": { args: { jobId: "deljob", schedule: "daily", all: true, storage: "local" } },
  "cluster:ReplicationJob": { args: { jobId: "100-0", type: "local", target: "pve2", schedule: "*/30" } },
  "cluster:AcmeAccount": { args: { accountName: "delacct", contact: ["a@example.com"], tosUrl: LE_TOS } },
  "cluster:AcmePlugin": { args: { pluginId: "delplug", type: "dns", api: "cf", data: { CF_Token: "x" } } },
  "firewall:ClusterOptions": { args: { policyIn: "ACCEPT" } },
  "storage:Storage": { args: { storageId: "delstore", type: "dir", path: "/srv/del", content: ["iso"] } },
  "sdn:Zone": { args: { zone: "delz", type: "simple" } },
  "sdn:Vnet": {
    setup: async () => {
      await client.post("/cluster/sdn/zones", { zone: "delvz", type: "simple" });
      await applySdn();
    },
    args: { vnet: "delv", zone: "delvz" },
  },
  "sdn:Subnet": {
    setup: async () => {
      await client.post("/cluster/sdn/zones", { zone: "delsz", type: "simple" });
      await client.post("/cluster/sdn/vnets", { vnet: "delsv", zone: "delsz" });
      await applySdn();
    },
    args: { vnet: "delsv", cidr: "10.7.0.0/24", gateway: "10.7.0.1" },
  },
  "sdn:Controller": { args: { controller: "delc", type: "evpn", asn: 65000, peers: ["10.0.0.1"] } },
  "sdn:Ipam": { args: { ipam: "deli", type: "netbox", url: "https://netbox.example/api", token: "netbox-token" } },
  "firewall:Alias": { args: { name: "delalias", cidr: "10.0.0.0/24" } },
  "firewall:IpSet": { args: { name: "delset" } },
  "firewall:IpSetEntry": { setup: () => client.post("/cluster/firewall/ipset", { name: "delentries" }), args: { ipSet: "delentries", cidr: "10.0.0.0/24" } },
  "firewall:SecurityGroup": { args: { group: "delgroup" } },
  "firewall:ClusterRule": { args: { comment: "del-rule", type: "in", action: "ACCEPT", macro: "SSH" } },
  "firewall:NodeRule": { args: { node: "pve1", comment: "del-rule", type: "in", action: "ACCEPT", macro: "SSH" } },
  "firewall:SecurityGroupRule": {
    setup: () => client.post("/cluster/firewall/groups", { group: "delrules" }),
    args: { group: "delrules", comment: "del-rule", type: "in", action: "ACCEPT" },
  },
  "firewall:NodeOptions": { args: { node: "pve2", logLevelIn: "info" } },
  "node:Dns": { args: { node: "pve1", search: "corp.example", dns1: "10.0.0.53" } },
  "node:Hosts": { args: { node: "pve1", data: "127.0.0.1 localhost\n" } },
  "node:Options": { args: { node: "pve2", description: "rack" } },
  "node:Time": { args: { node: "pve1", timezone: "Europe/Vienna" } },
  "node:NetworkInterface": { args: { node: "pve1", iface: "vmbr7", type: "bridge", autostart: true } },
  "node:AptUpdate": { args: { node: "pve1" } },
  "node:AptStandardRepository": { args: { node: "pve1", handle: "no-subscription" } },
  "node:AptRepository": {
    setup: async () => {
      await client.put("/nodes/pve2/apt/repositories", { handle: "no-subscription" });
      await client.post("/nodes/pve2/apt/repositories", { path: `${SOURCES}/proxmox.sources`, index: 0, enabled: 0 });
    },
    args: { node: "pve2", path: `${SOURCES}/proxmox.sources`, index: 0, enabled: true },
  },
  "node:CustomCertificate": { args: { node: "pve2", certificates: certFixture("custom-a.pem"), key: certFixture("custom-a.key") } },
  "node:AcmeCertificate": {
    setup: async () => {
      await task(client.post("/cluster/acme/account", { name: "default", contact: "admin@example.com", tos_url: LE_TOS }));
      await client.post("/cluster/acme/plugins", { id: "delcf", type: "dns", api: "cf", data: b64("CF_Token=x\n") });
      await client.put("/nodes/pve1/config", { acme: "domains=pve1.example.com" });
    },
    args: { node: "pve1" },
  },
  "node:ServiceAction": { args: { node: "pve1", service: "cron", action: "restart" } },
};

/** The call a delete makes: the removal, or for singletons and built-ins the reset (an update). */
function deleteCall(def: KindDefinition): { method: string; path: string } | undefined {
  const call = def.lifecycle === "singleton" ? def.update : def.lifecycle === "collection" ? def.remove : undefined;
  // Placeholders may hold a '/' (an IP set entry's CIDR): match them across segments.
  return call ? { method: call.method, path: call.path.replace(/\{[^}]+\}/g, "**") } : undefined;
}

beforeAll(async () => {
  sim = await startSimulator({ nodes: 2, authFailureDelayMs: 0, taskDurationMs: 5 });
  // root@pam's password: PVE refuses API tokens for TFA and ACME accounts.
  client = new ProxmoxClient({ endpoint: sim.endpoint, username: "root@pam", password: sim.rootPassword, fingerprint: sim.fingerprint, taskPollIntervalMs: 5 });
});
afterAll(async () => {
  client?.close();
  await sim?.close();
});

describe("idempotent deletes", () => {
  it("has a fixture for every kind the provider ships", () => {
    expect(Object.keys(fixtures).sort()).toEqual(definitions.map((d) => d.key).sort());
  });

  describe.each(definitions.map((def) => [def.key, def] as const))("%s", (key, def) => {
    it("deletes although PVE's answer to the delete was lost, and deletes what is gone already", async () => {
      const fixture = fixtures[key];
      if (!fixture) throw new Error(`no fixture for ${key}`);
      await fixture.setup?.();
      const { id, outs } = await create(def, client, fixture.args);
      const call = deleteCall(def);
      // PVE runs the removal, then the answer is lost (596): the client retries what it may.
      if (call) sim.faults.add({ method: call.method, path: call.path, times: 1, action: { type: "status", status: 596, afterHandling: true } });
      await expect(remove(def, client, id, outs, { removalTimeoutMs: 60_000 })).resolves.toBeUndefined();
      sim.faults.clear();
      // A collection's object is gone (or, where PVE cannot remove it, disabled or forgotten).
      if (def.lifecycle === "collection" && !def.forgetOnDelete && def.key !== "node:AptRepository") {
        expect((await read(def, client, id, outs)).id, "gone after the delete").toBe("");
      }
      await expect(remove(def, client, id, outs, { removalTimeoutMs: 60_000 }), "deleting again").resolves.toBeUndefined();
    });
  });
});
