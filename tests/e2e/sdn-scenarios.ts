/** SDN kinds' scenarios: `exists` reads the RUNNING config, so every step also proves the apply. */
import { expect } from "vitest";
import type { ProxmoxClient } from "../../provider/client";
import { type KindScenario, found } from "./scenarios";

type Item = Record<string, unknown>;

/** By-hand edits are applied like a user pressing "Apply" in the GUI. */
export async function applySdn(admin: ProxmoxClient): Promise<void> {
  const upid = await admin.put<string>("/cluster/sdn", {});
  await admin.waitForTask(upid);
}

/** PVE 9's global SDN lock is free: taking it (with whatever is pending) succeeds, and it is given back. */
export async function lockFree(admin: ProxmoxClient): Promise<void> {
  const token = await admin.post<string>("/cluster/sdn/lock", { "allow-pending": 1 });
  await admin.delete("/cluster/sdn/lock", { "lock-token": token });
}

/** Nothing staged-but-unapplied in any SDN config, and the global lock free. */
export async function nothingPending(admin: ProxmoxClient): Promise<void> {
  await lockFree(admin);
  const pending: string[] = [];
  for (const kind of ["zones", "vnets", "controllers"]) {
    const items = await admin.get<Item[]>(`/cluster/sdn/${kind}`, { pending: 1 });
    for (const item of items) if (item["state"] !== undefined) pending.push(`${kind}:${JSON.stringify(item)}`);
    if (kind === "vnets") {
      for (const vnet of items) {
        const subnets = await admin.get<Item[]>(`/cluster/sdn/vnets/${String(vnet["vnet"])}/subnets`, { pending: 1 });
        for (const s of subnets) if (s["state"] !== undefined) pending.push(`subnet:${JSON.stringify(s)}`);
      }
    }
  }
  expect(pending, "SDN changes left pending").toEqual([]);
}

const running = (admin: ProxmoxClient, path: string): Promise<boolean> => found(() => admin.get(path, { running: 1 }));

export const sdnScenarios: KindScenario[] = [
  {
    namespace: "sdn",
    kind: "Zone",
    initial: { zone: "zonea", type: "simple", mtu: 1450 },
    updated: { args: { zone: "zonea", type: "simple", mtu: 1400 }, diffs: ["mtu"] },
    replaced: { args: { zone: "zonea", type: "vlan", bridge: "vmbr0", mtu: 1400 }, replaces: ["type"] },
    invalid: { args: { zone: "zonea", type: "vlan" }, property: "bridge" },
    exists: async (admin, a) => {
      if (!(await running(admin, `/cluster/sdn/zones/${String(a["zone"])}`))) return false;
      const zone = await admin.get<Item>(`/cluster/sdn/zones/${String(a["zone"])}`, { running: 1 });
      return zone["type"] === a["type"];
    },
    drift: { edit: (admin, a) => admin.put(`/cluster/sdn/zones/${String(a["zone"])}`, { mtu: 1300 }), keys: ["mtu"] },
    existing: async (admin) => {
      await admin.post("/cluster/sdn/zones", { zone: "handmade", type: "simple", mtu: 1200 });
      await applySdn(admin);
      return { importId: "handmade", args: { zone: "handmade", type: "simple", mtu: 1200 } };
    },
    settled: nothingPending,
  },
  {
    namespace: "sdn",
    kind: "Vnet",
    setup: async (admin) => {
      await admin.post("/cluster/sdn/zones", { zone: "zonev", type: "simple" });
      await applySdn(admin);
    },
    initial: { vnet: "vnet1", zone: "zonev", alias: "one" },
    updated: { args: { vnet: "vnet1", zone: "zonev", alias: "two" }, diffs: ["alias"] },
    replaced: { args: { vnet: "vnet2", zone: "zonev", alias: "two" }, replaces: ["vnet"] },
    invalid: { args: { vnet: "vnet1", zone: "zonev", tag: -5 }, property: "tag" },
    exists: (admin, a) => running(admin, `/cluster/sdn/vnets/${String(a["vnet"])}`),
    drift: { edit: (admin, a) => admin.put(`/cluster/sdn/vnets/${String(a["vnet"])}`, { alias: "by hand" }), keys: ["alias"] },
    existing: async (admin) => {
      await admin.post("/cluster/sdn/vnets", { vnet: "handmade", zone: "zonev", alias: "made by hand" });
      await applySdn(admin);
      return { importId: "handmade", args: { vnet: "handmade", zone: "zonev", alias: "made by hand" } };
    },
    settled: nothingPending,
  },
  {
    namespace: "sdn",
    kind: "Subnet",
    setup: async (admin) => {
      await admin.post("/cluster/sdn/zones", { zone: "zones", type: "simple" });
      await admin.post("/cluster/sdn/vnets", { vnet: "vnets", zone: "zones" });
      await applySdn(admin);
    },
    initial: { vnet: "vnets", cidr: "10.1.0.0/24", gateway: "10.1.0.1" },
    updated: { args: { vnet: "vnets", cidr: "10.1.0.0/24", gateway: "10.1.0.1", snat: true }, diffs: ["snat"] },
    replaced: { args: { vnet: "vnets", cidr: "10.2.0.0/24", gateway: "10.2.0.1", snat: true }, replaces: ["cidr"] },
    invalid: { args: { vnet: "vnets", cidr: "10.1.0.0/24", snat: "yes" }, property: "snat" },
    exists: (admin, a) => running(admin, `/cluster/sdn/vnets/vnets/subnets/zones-${String(a["cidr"]).replace("/", "-")}`),
    drift: {
      edit: (admin, a) => admin.put(`/cluster/sdn/vnets/vnets/subnets/zones-${String(a["cidr"]).replace("/", "-")}`, { snat: 0 }),
      keys: ["snat"],
    },
    existing: async (admin) => {
      await admin.post("/cluster/sdn/vnets/vnets/subnets", { subnet: "10.9.0.0/24", type: "subnet", gateway: "10.9.0.1" });
      await applySdn(admin);
      // PVE's own subnet id works for import as well as the CIDR.
      return { importId: "vnets/zones-10.9.0.0-24", args: { vnet: "vnets", cidr: "10.9.0.0/24", gateway: "10.9.0.1" } };
    },
    settled: nothingPending,
  },
  {
    namespace: "sdn",
    kind: "Controller",
    initial: { controller: "evpn1", type: "evpn", asn: 65000, peers: ["10.0.0.1", "10.0.0.2"] },
    updated: { args: { controller: "evpn1", type: "evpn", asn: 65001, peers: ["10.0.0.1", "10.0.0.2"] }, diffs: ["asn"] },
    replaced: { args: { controller: "evpn2", type: "evpn", asn: 65001, peers: ["10.0.0.1", "10.0.0.2"] }, replaces: ["controller"] },
    // One reason only: the real CLI's step error carries the first check failure.
    invalid: { args: { controller: "evpn1", type: "evpn", peers: ["10.0.0.1"] }, property: "asn" },
    exists: (admin, a) => running(admin, `/cluster/sdn/controllers/${String(a["controller"])}`),
    drift: { edit: (admin, a) => admin.put(`/cluster/sdn/controllers/${String(a["controller"])}`, { asn: 64999 }), keys: ["asn"] },
    // PVE allows one EVPN controller per cluster: the one made by hand is a node's BGP controller.
    existing: async (admin) => {
      await admin.post("/cluster/sdn/controllers", { controller: "handmade", type: "bgp", asn: 65100, node: "pve1", peers: "10.0.0.9" });
      await applySdn(admin);
      return { importId: "handmade", args: { controller: "handmade", type: "bgp", asn: 65100, node: "pve1", peers: ["10.0.0.9"] } };
    },
    settled: nothingPending,
  },
  {
    namespace: "sdn",
    kind: "Ipam",
    initial: { ipam: "netbox1", type: "netbox", url: "https://netbox.example/api", token: { $secret: "netbox-token-secret-1" } },
    updated: {
      args: { ipam: "netbox1", type: "netbox", url: "https://netbox2.example/api", token: { $secret: "netbox-token-secret-1" } },
      diffs: ["url"],
    },
    replaced: {
      args: { ipam: "php1", type: "phpipam", url: "https://php.example/api", token: { $secret: "php-token-secret-2" }, section: 3 },
      replaces: ["ipam", "type"],
    },
    invalid: { args: { ipam: "netbox1", type: "netbox", url: "https://netbox.example/api" }, property: "token" },
    exists: (admin, a) => found(() => admin.get(`/cluster/sdn/ipams/${String(a["ipam"])}`)),
    drift: { edit: (admin, a) => admin.put(`/cluster/sdn/ipams/${String(a["ipam"])}`, { url: "https://by-hand.example/api" }), keys: ["url"] },
    existing: async (admin) => {
      await admin.post("/cluster/sdn/ipams", { ipam: "handmade", type: "pve" });
      return { importId: "handmade", args: { ipam: "handmade", type: "pve" } };
    },
    secrets: ["netbox-token-secret-1", "php-token-secret-2"],
    settled: nothingPending,
  },
];
