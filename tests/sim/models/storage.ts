/**
 * Storage: `/storage` (storage.cfg under `file-storage_cfg`) and the per-node views
 * `/nodes/{node}/storage` and `.../status` with schema-shaped numbers; the space guest volumes
 * take (`./guests/volumes`) counts as used.
 */
import { randomBytes } from "node:crypto";
import type { SimContext, SimModel, SimRequest } from "../types";
import { pveDie, splitList, type ConfigRecord } from "./config-text";
import { registerCollection, type Register } from "./generic-store";
import { allocatedBytes } from "./guests/volumes";
import { SectionStore } from "./section-store";
import { simService } from "./services";
import { STORAGE_SECRETS, STORAGE_TYPES, canonicalContent } from "./storage-types";

const GiB = 1024 ** 3;

/** Moves secrets out of the record into the side store (PVE's /etc/pve/priv files). */
function takeSecrets(id: string, record: ConfigRecord, secrets: Map<string, ConfigRecord>, req: SimRequest): void {
  const kept = { ...secrets.get(id) };
  for (const key of STORAGE_SECRETS) {
    if (key in record) kept[key] = record[key] as string;
    delete record[key];
  }
  for (const key of splitList(req.params.delete)) delete kept[key];
  secrets.set(id, kept);
}

/** Checks type-specific required options and fills what `parse_config` would. */
function completeNew(record: ConfigRecord, hasSecret: (key: string) => boolean): void {
  const type = STORAGE_TYPES[String(record.type)];
  if (!type) throw pveDie(`unknown section type '${String(record.type)}'`);
  for (const key of type.required) {
    if (record[key] === undefined && !hasSecret(key)) throw pveDie(`missing value for required option '${key}'`);
  }
  record.content = canonicalContent(String(record.content ?? type.defaultContent));
  if (type.shared) record.shared = 1;
}

/** Deterministic usage numbers per storage, stable across calls, plus the guest volumes on it. */
function usage(id: string, allocated: number): { total: number; used: number; avail: number } {
  const total = (64 + (id.length % 8) * 32) * GiB;
  const used = Math.min(total, Math.floor(total / (3 + (id.length % 3))) + allocated);
  return { total, used, avail: total - used };
}

/** storage.cfg of one simulator, seeded with `local` and `local-lvm` as a fresh PVE install has them. */
export const storageConfigOf = simService<SectionStore>("storage.cfg", () => {
  const store = new SectionStore();
  store.set("local", { type: "dir", path: "/var/lib/vz", content: "backup,iso,vztmpl" });
  store.set("local-lvm", { type: "lvmthin", thinpool: "data", vgname: "pve", content: "images,rootdir" });
  return store;
});

/** The storage model. */
export function storageModel(): SimModel {
  return {
    name: "storage",
    install(register, ctx) {
      const store = storageConfigOf(ctx);
      installConfig(register, ctx, store);
      installNodeViews(register, ctx, store);
    },
  };
}

function installConfig(register: Register, ctx: SimContext, store: SectionStore): void {
  const secrets = new Map<string, ConfigRecord>();
  registerCollection(register, ctx, {
    store,
    collection: "/storage",
    item: "/storage/{storage}",
    idParam: "storage",
    lockId: "file-storage_cfg",
    errorPrefix: { create: "create storage failed", update: "update storage failed", delete: "delete storage failed" },
    messages: { notFound: (id) => `storage '${id}' does not exist`, exists: (id) => `storage ID '${id}' already defined` },
    hooks: {
      list: (req) =>
        store
          .entries()
          .filter(([, r]) => req.params.type === undefined || r.type === req.params.type)
          .map(([id, r]) => ({ ...r, storage: id, digest: store.digest() })),
      create(id, record, req) {
        takeSecrets(id, record, secrets, req);
        completeNew(record, (key) => secrets.get(id)?.[key] !== undefined);
      },
      update(id, record, _before, req) {
        takeSecrets(id, record, secrets, req);
        if (req.params.content !== undefined) record.content = canonicalContent(String(record.content));
      },
      remove(id) {
        const user = store.entries().find(([, r]) => typeof r.base === "string" && r.base.startsWith(`${id}:`));
        if (user) throw pveDie("can't remove storage - storage is used as base of another storage");
        secrets.delete(id);
      },
      result(id, record, req) {
        const out: Record<string, unknown> = { storage: id, type: record.type };
        // A PBS key requested as `autogen` is generated and handed back once, like PVE does.
        if (req.method === "POST" && req.params["encryption-key"] === "autogen") {
          out.config = { "encryption-key": JSON.stringify({ kdf: null, key: randomBytes(32).toString("base64") }) };
        }
        return out;
      },
    },
  });
}

/** The size numbers of storage `id` on `node` (zero where it is disabled or not available). */
export function storageNumbers(ctx: SimContext, id: string, record: ConfigRecord, node: string): { total: number; used: number; avail: number } {
  const enabled = !record.disable;
  const onNode = record.nodes === undefined || String(record.nodes).split(",").includes(node);
  return enabled && onNode ? usage(id, allocatedBytes(ctx, id, Boolean(record.shared), node)) : { total: 0, used: 0, avail: 0 };
}

function nodeStatus(ctx: SimContext, id: string, record: ConfigRecord, node: string): Record<string, unknown> {
  const enabled = record.disable ? 0 : 1;
  const onNode = record.nodes === undefined || String(record.nodes).split(",").includes(node);
  const numbers = storageNumbers(ctx, id, record, node);
  return {
    storage: id,
    type: record.type,
    content: record.content,
    shared: record.shared ? 1 : 0,
    enabled,
    active: enabled && onNode ? 1 : 0,
    ...numbers,
    used_fraction: numbers.total ? numbers.used / numbers.total : 0,
  };
}

function installNodeViews(register: Register, ctx: SimContext, store: SectionStore): void {
  const visible = (node: string, record: ConfigRecord): boolean =>
    record.nodes === undefined || String(record.nodes).split(",").includes(node);

  register("GET", "/nodes/{node}/storage", (req) => {
    const node = String(req.params.node);
    const wanted = splitList(req.params.content);
    return store
      .entries()
      .filter(([id, r]) => visible(node, r) && (req.params.storage === undefined || req.params.storage === id))
      .filter(([, r]) => !req.params.enabled || !r.disable)
      .filter(([, r]) => wanted.length === 0 || wanted.some((c) => String(r.content).split(",").includes(c)))
      .map(([id, r]) => nodeStatus(ctx, id, r, node));
  });

  register("GET", "/nodes/{node}/storage/{storage}/status", (req) => {
    const id = String(req.params.storage);
    const node = String(req.params.node);
    const record = store.get(id);
    if (!record) throw pveDie(`storage '${id}' does not exist`);
    if (!visible(node, record)) throw pveDie(`storage '${id}' is not available on node '${node}'`);
    const { storage: _storage, used_fraction: _fraction, ...status } = nodeStatus(ctx, id, record, node);
    return status;
  });
}
