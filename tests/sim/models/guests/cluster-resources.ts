/**
 * `GET /cluster/resources` (pve-manager `PVE/API2/Cluster.pm` `resources`,
 * `PVE/API2Tools.pm` `extract_vm_stats`, `extract_node_stats`, `extract_storage_stats`): pools
 * (with `Pool.Audit`), guests sorted by VMID as strings (with `VM.Audit`: pool, tags, lock,
 * `hastate`), nodes (stats only with `Sys.Audit`), storages once per node where enabled (with
 * `Datastore.Audit`), and the `localnetwork` zone of each node; `type` picks one group.
 */
import type { SimAuth, SimContext } from "../../types";
import { storageConfigOf, storageNumbers } from "../storage";
import { accessStoreOf, poolOfVm } from "./access";
import { guestDirectoryOf } from "./directory";
import { haStateOf } from "./ha";
import { hasPriv } from "./permissions";
import { vmlistOf } from "./vmlist";

const GiB = 1024 ** 3;

function poolEntries(ctx: SimContext, auth: SimAuth): Record<string, unknown>[] {
  return [...accessStoreOf(ctx).pools.keys()]
    .sort()
    .filter((pool) => hasPriv(ctx, auth, `/pool/${pool}`, "Pool.Audit"))
    .map((pool) => ({ id: `/pool/${pool}`, pool, type: "pool" }));
}

function guestEntries(ctx: SimContext, auth: SimAuth): Record<string, unknown>[] {
  const vmlist = vmlistOf(ctx);
  const ha = haStateOf(ctx);
  const out: Record<string, unknown>[] = [];
  for (const vmid of vmlist.vmids().map(String).sort()) {
    const entry = vmlist.get(Number(vmid));
    if (!entry || !hasPriv(ctx, auth, `/vms/${vmid}`, "VM.Audit")) continue;
    const stats = guestDirectoryOf(ctx).stats(entry.type, Number(vmid));
    const item: Record<string, unknown> = { id: `${entry.type}/${vmid}`, vmid: Number(vmid), node: entry.node, type: entry.type, status: "unknown" };
    if (stats) {
      Object.assign(item, {
        uptime: stats.uptime,
        name: stats.name,
        status: stats.status,
        template: stats.template,
        maxcpu: stats.maxcpu,
        cpu: stats.cpu,
        maxmem: stats.maxmem,
        mem: stats.mem,
        maxdisk: stats.maxdisk,
        disk: 0,
        netin: 0,
        netout: 0,
        diskread: 0,
        diskwrite: 0,
        ...(entry.type === "qemu" ? { memhost: stats.mem } : {}),
      });
      if (stats.tags !== undefined) item.tags = stats.tags;
      if (stats.lock !== undefined) item.lock = stats.lock;
    }
    const pool = poolOfVm(ctx, Number(vmid));
    if (pool !== undefined && hasPriv(ctx, auth, `/pool/${pool}`, "Pool.Audit")) item.pool = pool;
    const sid = `${entry.type === "qemu" ? "vm" : "ct"}:${vmid}`;
    const service = ha.serviceStatus.get(sid)?.state ?? ha.resources.get(sid)?.state;
    if (service !== undefined) item.hastate = service;
    out.push(item);
  }
  return out;
}

function nodeEntries(ctx: SimContext, auth: SimAuth): Record<string, unknown>[] {
  return ctx.nodes.map((node) => {
    const audit = hasPriv(ctx, auth, `/nodes/${node}`, "Sys.Audit");
    return {
      id: `node/${node}`,
      node,
      type: "node",
      status: "online",
      level: "",
      ...(audit ? { uptime: 86400, cpu: 0.01, mem: 4 * GiB, disk: 10 * GiB, maxcpu: 8, maxmem: 32 * GiB, maxdisk: 100 * GiB } : {}),
      "cgroup-mode": 2,
    };
  });
}

function storageEntries(ctx: SimContext, auth: SimAuth): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [storage, scfg] of storageConfigOf(ctx).entries()) {
    if (!hasPriv(ctx, auth, `/storage/${storage}`, "Datastore.Audit")) continue;
    for (const node of ctx.nodes) {
      if (scfg.disable || (scfg.nodes !== undefined && !String(scfg.nodes).split(",").includes(node))) continue;
      const { total, used } = storageNumbers(ctx, storage, scfg, node);
      out.push({
        id: `storage/${node}/${storage}`,
        storage,
        node,
        type: "storage",
        plugintype: scfg.type,
        status: "available",
        shared: scfg.shared ? 1 : 0,
        content: scfg.content,
        maxdisk: total,
        disk: used,
      });
    }
  }
  return out;
}

function networkEntries(ctx: SimContext, auth: SimAuth): Record<string, unknown>[] {
  if (!hasPriv(ctx, auth, "/sdn/zones/localnetwork", "SDN.Audit")) return [];
  return ctx.nodes.map((node) => ({
    id: `network/${node}/zone/localnetwork`,
    type: "network",
    "network-type": "zone",
    network: "localnetwork",
    node,
    status: "ok",
  }));
}

/** The resources list for `type` (all groups when undefined). */
export function clusterResources(ctx: SimContext, auth: SimAuth, type: string | undefined): Record<string, unknown>[] {
  return [
    ...(type === undefined ? poolEntries(ctx, auth) : []),
    ...(type === undefined || type === "vm" ? guestEntries(ctx, auth) : []),
    ...(type === undefined || type === "node" ? nodeEntries(ctx, auth) : []),
    ...(type === undefined || type === "storage" ? storageEntries(ctx, auth) : []),
    ...(type === undefined ? networkEntries(ctx, auth) : []),
  ];
}
