/**
 * Storage as pve-storage serves it: `PVE/API2/Storage/Config.pm` (`index`, `read`, `create`,
 * `update`, `delete`, `$api_storage_config`), `PVE/API2/Storage/Status.pm` (`index`,
 * `read_status`), `PVE/Storage.pm` (`storage_info`, `storage_check_enabled`,
 * `storage_check_node`, `storage_is_used`, `lock_storage_config`), `PVE/Storage/Plugin.pm`
 * (`parse_config`, `decode_value`, `encode_value`, `content_hash_to_string`) over pve-common
 * `PVE/SectionConfig.pm::check_config`/`check_value`, and the plugins' hooks for their sensitive
 * options (`PBSPlugin.pm`, `ESXiPlugin.pm`, `CIFSPlugin.pm` `on_add_hook`/`on_update_hook`).
 *
 * The space guest volumes take (`../guests/volumes`) counts as used.
 *
 * What is checked before the lock (a create's options for its type) fails without the
 * "create storage failed" prefix; what is checked under it carries the prefix.
 */
import { createHash, randomBytes } from "node:crypto";
import { hasAny } from "../../core/may";
import type { SimContext, SimModel, SimRequest } from "../../types";
import type { SimError } from "../../types";
import { assertDigest, pveDie, splitList, type ConfigRecord } from "../config-text";
import { lockedWrite, type Register } from "../generic-store";
import { allocatedBytes } from "../guests/volumes";
import { paramError } from "../param-error";
import { SectionStore } from "../section-store";
import { simService } from "../services";
import { STORAGE_TYPES, hashOrder, type StorageType } from "./plugins";

const GiB = 1024 ** 3;
const LOCK = "file-storage_cfg";
const NODE_RE = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;

/** `parse_config`'s stand-in when storage.cfg has no proper `local`. */
const DEFAULT_LOCAL: ConfigRecord = {
  type: "dir",
  priority: 0,
  path: "/var/lib/vz",
  "prune-backups": "keep-all=1",
  content: "backup,images,iso,rootdir,snippets,vztmpl",
};

/** Storage listings show a storage to who has `Datastore.Audit` or `Datastore.AllocateSpace` on it. */
const mayList = (ctx: SimContext, req: SimRequest, id: string): boolean =>
  hasAny(ctx, req.auth, `/storage/${id}`, ["Datastore.Audit", "Datastore.AllocateSpace"]);

/** Deterministic usage numbers per storage, stable across calls, plus the guest volumes on it. */
function usage(id: string, allocated: number): { total: number; used: number; avail: number } {
  const total = (64 + (id.length % 8) * 32) * GiB;
  const used = Math.min(total, Math.floor(total / (3 + (id.length % 3))) + allocated);
  return { total, used, avail: total - used };
}

/**
 * storage.cfg of one simulator as the file holds it, seeded with `local` and `local-lvm` as a
 * fresh PVE install has them; models read it through `parse_config`'s view ({@link storageConfigOf}).
 */
const storageFileOf = simService<SectionStore>("storage.cfg", () => {
  const store = new SectionStore();
  store.set("local", { type: "dir", path: "/var/lib/vz", content: "iso,vztmpl,backup" });
  store.set("local-lvm", { type: "lvmthin", thinpool: "data", vgname: "pve", content: "rootdir,images" });
  return store;
});

function typeOf(name: string): StorageType {
  const t = STORAGE_TYPES[name];
  if (!t) throw pveDie(`unknown section type '${name}'`);
  return t;
}

/** `decode_value`: content types the plugin lacks are dropped (with a warning); `none` alone or not at all. */
function decodeContent(t: StorageType, value: string): string {
  const kept = splitList(value).filter((c) => t.content.includes(c));
  const set = new Set(kept);
  if (set.has("none") && set.size > 1) throw pveDie("unable to combine 'none' with other content types");
  if (set.size === 0 && !t.content.includes("none")) throw pveDie("storage does not support content type 'none'");
  return [...set].join(",");
}

/** `File::Spec->canonpath`: no repeated or trailing slashes, no `/./`. */
function canonpath(path: string): string {
  return path
    .replace(/\/+/g, "/")
    .replace(/(\/\.)+(\/|$)/g, "/")
    .replace(/(.)\/$/, "$1");
}

/**
 * The plugin's `check_config`: `SectionConfig::check_config` (without the schema check the API
 * already did) + `decode_value`, with the NFS/CIFS/CephFS default path and DirPlugin's path rule.
 */
function checkConfig(t: StorageType, id: string, given: Readonly<Record<string, unknown>>, create: boolean): ConfigRecord {
  const params = create && t.mountsUnderMntPve && !given.path ? { ...given, path: `/mnt/pve/${id}` } : given;
  const out: ConfigRecord = {};
  for (const [key, value] of Object.entries(params)) {
    const option = t.options[key];
    if (!create && option?.fixed) throw pveDie(`can't change value of fixed parameter '${key}'`);
    if (!option) throw pveDie(`unexpected property '${key}'`);
    if (typeof value !== "string" && typeof value !== "number") continue;
    if (/[\n\r]/.test(String(value))) throw pveDie("property contains a line feed");
    if (key === "content") out[key] = decodeContent(t, String(value));
    else if (key === "nodes")
      out[key] = splitList(String(value))
        .filter((n) => NODE_RE.test(n))
        .join(",");
    else out[key] = value;
  }
  if (create) {
    for (const [key, option] of Object.entries(t.options)) {
      if (!option.optional && params[key] === undefined) throw pveDie(`missing value for required option '${key}'`);
    }
    if (t.directory) {
      const path = String(out.path);
      if (!/^\/[-/a-zA-Z0-9_.@]+$/.test(path)) throw pveDie(`illegal path for directory storage: ${path}`);
      out.path = canonpath(path);
    }
  }
  return out;
}

/** A PBS encryption key as `proxmox-backup-client key create --kdf none` writes it. */
function newPbsKey(): string {
  const data = randomBytes(32);
  const fingerprint = (createHash("sha256").update(data).digest("hex").match(/../g) ?? []).join(":");
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  return JSON.stringify({ kdf: null, created: now, modified: now, data: data.toString("base64"), fingerprint }, null, 2);
}

/**
 * The plugins' add/update hooks for their sensitive options: what lands in /etc/pve/priv, what
 * storage.cfg keeps instead (PBS keeps the key's fingerprint and `master-pubkey 1`), and the
 * `config` a create or update hands back.
 */
function sensitiveHook(
  type: string,
  record: ConfigRecord,
  sensitive: Readonly<Record<string, string | undefined>>,
  create: boolean,
): Record<string, string> | undefined {
  if (type === "esxi" && create && sensitive["password"] === undefined) throw pveDie("missing password");
  if (type !== "pbs") return undefined;
  const res: Record<string, string> = {};
  if ("encryption-key" in sensitive || create) {
    const key = sensitive["encryption-key"];
    if (key !== undefined) {
      const text = key === "autogen" ? newPbsKey() : key;
      let decoded: { data?: unknown; fingerprint?: unknown } | undefined;
      try {
        decoded = JSON.parse(text) as { data?: unknown; fingerprint?: unknown };
      } catch {
        decoded = undefined;
      }
      if (!decoded || typeof decoded !== "object" || !("data" in decoded)) throw pveDie("Value does not seems like a valid, JSON formatted encryption key!");
      res["encryption-key"] = text;
      record["encryption-key"] = typeof decoded.fingerprint === "string" && decoded.fingerprint !== "" ? decoded.fingerprint : 1;
    } else if (!create) delete record["encryption-key"];
  }
  if ("master-pubkey" in sensitive || create) {
    if (sensitive["master-pubkey"] !== undefined) {
      if (record["encryption-key"] === undefined) throw pveDie("'master-pubkey' can only be used together with 'encryption-key'");
      record["master-pubkey"] = 1;
    } else if (!create) delete record["master-pubkey"];
  }
  return Object.keys(res).length > 0 ? res : undefined;
}

/** The storage model, seeded with `local` and `local-lvm` as a fresh PVE install has them. */
export function storageModel(): SimModel {
  return {
    name: "storage",
    install(register, ctx) {
      const store = storageFileOf(ctx);
      const read = (): Map<string, ConfigRecord> => parseConfig(store);
      installConfig(register, ctx, store, read);
      installNodeViews(register, ctx, read);
    },
  };
}

/** `Plugin::parse_config`: a proper `local` always exists, default content, `shared` for network types. */
/**
 * storage.cfg as `PVE::Storage::config` gives it to the guest models: `parse_config`'s view, with
 * default content and `shared` filled in (an NFS storage is shared without saying so).
 */
export function storageConfigOf(ctx: SimContext): Map<string, ConfigRecord> {
  return parseConfig(storageFileOf(ctx));
}

function parseConfig(store: SectionStore): Map<string, ConfigRecord> {
  const ids = new Map(store.entries());
  const local = ids.get("local");
  if (!local || local.type !== "dir" || (local.path !== undefined && local.path !== "/var/lib/vz")) ids.set("local", { ...DEFAULT_LOCAL });
  const fixedLocal = ids.get("local") as ConfigRecord;
  fixedLocal.path ??= "/var/lib/vz";
  delete fixedLocal.nodes;
  for (const record of ids.values()) {
    const t = STORAGE_TYPES[String(record.type)];
    if (!t) continue;
    if (record.content === undefined || record.content === "") record.content = t.defaultContent.join(",");
    if (t.shared) record.shared = 1;
  }
  return new Map([...ids].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** `$api_storage_config`: the record with its id and the file digest; content and nodes in hash order. */
function apiView(id: string, record: ConfigRecord, digest: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...record, storage: id, digest };
  out["content"] = hashOrder(splitList(record.content)).join(",") || "none";
  if (record.nodes) out["nodes"] = hashOrder(splitList(record.nodes)).join(",");
  return out;
}

function installConfig(register: Register, ctx: SimContext, store: SectionStore, read: () => Map<string, ConfigRecord>): void {
  const missing = (id: string): SimError => pveDie(`storage '${id}' does not exist`);

  register("GET", "/storage", (req) =>
    [...read()]
      .filter(([id]) => mayList(ctx, req, id))
      .filter(([, r]) => !req.params.type || r.type === req.params.type)
      .map(([id, r]) => apiView(id, r, store.digest())),
  );

  register("GET", "/storage/{storage}", (req) => {
    const id = String(req.params.storage);
    const record = read().get(id);
    if (!record) throw missing(id);
    return apiView(id, record, store.digest());
  });

  register("POST", "/storage", async (req) => {
    const id = String(req.params.storage);
    const typeName = String(req.params.type);
    const t = typeOf(typeName);
    const { storage: _s, type: _t, ...rest } = req.params;
    const params: Record<string, unknown> = { ...rest };
    // "prevent an empty nodelist"
    if (!params.nodes) delete params.nodes;
    const sensitive: Record<string, string | undefined> = {};
    for (const key of t.sensitive) {
      if (params[key] !== undefined) sensitive[key] = String(params[key]);
      delete params[key];
    }
    const record = { type: typeName, ...checkConfig(t, id, params, true) };
    return lockedWrite(ctx, LOCK, "create storage failed", () => {
      if (read().has(id)) throw pveDie(`storage ID '${id}' already defined`);
      const config = sensitiveHook(typeName, record, sensitive, true);
      store.set(id, record);
      return { storage: id, type: typeName, ...(config ? { config } : {}) };
    });
  });

  register("PUT", "/storage/{storage}", (req) =>
    lockedWrite(ctx, LOCK, "update storage failed", () => {
      const id = String(req.params.storage);
      const { storage: _s, digest, delete: deleteList, ...rest } = req.params;
      assertDigest(store.digest(), digest);
      // The parsed config (with `local` and the filled-in defaults) is what PVE changes and writes back.
      const current = read().get(id);
      if (!current) throw missing(id);
      const typeName = String(current.type);
      const t = typeOf(typeName);
      const deletes = splitList(deleteList);
      const params: Record<string, unknown> = { ...rest };
      const sensitive: Record<string, string | undefined> = {};
      for (const key of t.sensitive) {
        if (deletes.includes(key)) sensitive[key] = undefined;
        if (params[key] !== undefined) sensitive[key] = String(params[key]);
        delete params[key];
      }
      const opts = checkConfig(t, id, params, false);
      for (const key of deletes) {
        const option = t.options[key];
        if (!option) throw pveDie(`no such option '${key}'`);
        if (!option.optional) throw pveDie(`unable to delete required option '${key}'`);
        if (option.fixed) throw pveDie(`unable to delete fixed option '${key}'`);
        if (opts[key] !== undefined) throw pveDie(`cannot set and delete property '${key}' at the same time!`);
      }
      const record = { ...current };
      const config = sensitiveHook(typeName, record, sensitive, false);
      for (const key of deletes) delete record[key];
      Object.assign(record, opts);
      store.set(id, record);
      return { storage: id, type: typeName, ...(config ? { config } : {}) };
    }),
  );

  register("DELETE", "/storage/{storage}", (req) =>
    lockedWrite(ctx, LOCK, "delete storage failed", () => {
      const id = String(req.params.storage);
      const ids = read();
      if (!ids.get(id)) throw missing(id);
      const used = [...ids.values()].some((r) => typeof r.base === "string" && /^([a-z][a-z0-9\-_.]*[a-z0-9]):/i.exec(r.base)?.[1] === id);
      if (used) throw pveDie("can't remove storage - storage is used as base of another storage");
      store.delete(id);
      return null;
    }),
  );
}

/** The size numbers of storage `id` on `node` (zero where it is disabled or not available). */
export function storageNumbers(ctx: SimContext, id: string, record: ConfigRecord, node: string): { total: number; used: number; avail: number } {
  const enabled = !record.disable;
  const onNode = record.nodes === undefined || splitList(record.nodes).includes(node);
  return enabled && onNode ? usage(id, allocatedBytes(ctx, id, Boolean(record.shared), node)) : { total: 0, used: 0, avail: 0 };
}

/** `storage_info` for one node: every storage, enabled only when not disabled and allowed on the node. */
function storageInfo(ctx: SimContext, ids: ReadonlyMap<string, ConfigRecord>, node: string, content: string | undefined): Map<string, Record<string, unknown>> {
  const wanted = content === undefined ? undefined : splitList(content);
  const info = new Map<string, Record<string, unknown>>();
  for (const [id, r] of ids) {
    const onNode = r.nodes === undefined || splitList(r.nodes).includes(node);
    const enabled = !r.disable && onNode;
    if (wanted && (!wanted.some((c) => splitList(r.content).includes(c)) || !enabled)) continue;
    const numbers = storageNumbers(ctx, id, r, node);
    info.set(id, {
      type: r.type,
      ...numbers,
      shared: r.shared ? 1 : 0,
      content: hashOrder(splitList(r.content)).join(","),
      active: enabled ? 1 : 0,
      enabled: enabled ? 1 : 0,
    });
  }
  return info;
}

function installNodeViews(register: Register, ctx: SimContext, read: () => Map<string, ConfigRecord>): void {
  register("GET", "/nodes/{node}/storage", (req) => {
    const node = String(req.params.node);
    const ids = read();
    const info = storageInfo(ctx, ids, node, typeof req.params.content === "string" ? req.params.content : undefined);
    const storage = typeof req.params.storage === "string" ? req.params.storage : undefined;
    if (storage && !info.has(storage)) throw paramError({ storage: "No such storage." });
    const target = typeof req.params.target === "string" && req.params.target !== node && req.params.target !== "localhost" ? req.params.target : undefined;
    const out: Record<string, unknown>[] = [];
    for (const [id, data] of info) {
      if (!mayList(ctx, req, id)) continue;
      if (storage && storage !== id) continue;
      const r = ids.get(id) as ConfigRecord;
      if (req.params.enabled && r.disable) continue;
      if (target && (!r.shared || (r.nodes !== undefined && !(splitList(r.nodes).includes(node) && splitList(r.nodes).includes(target))))) continue;
      const entry: Record<string, unknown> = { ...data, storage: id };
      if (typeof data.total === "number" && data.total > 0) entry.used_fraction = (data.used as number) / data.total;
      out.push(entry);
    }
    return out;
  });

  register("GET", "/nodes/{node}/storage/{storage}/status", (req) => {
    const info = storageInfo(ctx, read(), String(req.params.node), typeof req.params.content === "string" ? req.params.content : undefined);
    const data = info.get(String(req.params.storage));
    if (!data) throw paramError({ storage: "No such storage." });
    return data;
  });
}
