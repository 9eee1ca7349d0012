/**
 * `/pools` (pve-manager `PVE::API2::Pool`), kept in user.cfg: nested ids `a/b/c` (the parent
 * must exist), members (vms, storage) added or removed with `delete`, moved with `allow-move`.
 */
import { splitList } from "../core/formats";
import type { SimContext } from "../types";
import type { AccessDeps, AccessInstaller } from "./common";
import { die, lockUserConfig, str, subjectOf } from "./common";
import type { PoolEntry } from "./store";

/** The pool as `GET /pools/{poolid}` / `GET /pools?poolid=` return it. */
function poolView(poolid: string, pool: PoolEntry, type?: string): Record<string, unknown> {
  const members = [
    ...(type === undefined || type === "qemu" ? [...pool.vms].sort((a, b) => a - b).map((vmid) => ({ id: `qemu/${vmid}`, vmid, type: "qemu", node: "pve1" })) : []),
    ...(type === undefined || type === "storage" ? [...pool.storage].sort().map((storage) => ({ id: `storage/pve1/${storage}`, storage, type: "storage", node: "pve1" })) : []),
  ];
  return { poolid, ...(pool.comment !== undefined ? { comment: pool.comment } : {}), members };
}

/** `update_pool`'s member edits, shared by `PUT /pools` and `PUT /pools/{poolid}`. */
async function updatePool(ctx: SimContext, { store, perms }: AccessDeps, auth: { userid: string; tokenid?: string }, p: Readonly<Record<string, unknown>>): Promise<null> {
  return lockUserConfig(ctx, "update pools failed", () => {
    const poolid = String(p["poolid"]);
    const pool = store.pools.get(poolid);
    if (!pool) throw die(`pool '${poolid}' does not exist`);
    const comment = str(p, "comment");
    if (comment !== undefined) pool.comment = comment;
    const subject = subjectOf(auth);
    for (const vmid of splitList(String(p["vms"] ?? "")).map(Number)) {
      perms.checkPermModify(subject, `/vms/${vmid}`, false);
      if (p["delete"]) {
        if (!pool.vms.has(vmid)) throw die(`VM ${vmid} is not a pool member`);
        pool.vms.delete(vmid);
        continue;
      }
      if (pool.vms.has(vmid)) throw die(`VM ${vmid} is already a pool member`);
      const current = [...store.pools].find(([, other]) => other.vms.has(vmid));
      if (current) {
        if (!p["allow-move"]) throw die(`VM ${vmid} belongs already to pool '${current[0]}' and 'allow-move' is not set`);
        current[1].vms.delete(vmid);
      }
      pool.vms.add(vmid);
    }
    for (const storage of splitList(String(p["storage"] ?? ""))) {
      perms.checkPermModify(subject, `/storage/${storage}`, false);
      if (p["delete"]) {
        if (!pool.storage.has(storage)) throw die(`Storage '${storage}' is not a pool member`);
        pool.storage.delete(storage);
      } else {
        if (pool.storage.has(storage)) throw die(`Storage '${storage}' is already a pool member`);
        pool.storage.add(storage);
      }
    }
    return null;
  });
}

/** `delete_pool`: only empty pools without sub-pools. */
function deletePool(ctx: SimContext, { store }: AccessDeps, poolid: string): Promise<null> {
  return lockUserConfig(ctx, "delete pool failed", () => {
    const pool = store.pools.get(poolid);
    if (!pool) throw die(`pool '${poolid}' does not exist`);
    const [vmid] = [...pool.vms].sort((a, b) => a - b);
    if (vmid !== undefined) throw die(`pool '${poolid}' is not empty (contains VM ${vmid})`);
    const [storage] = [...pool.storage].sort();
    if (storage !== undefined) throw die(`pool '${poolid}' is not empty (contains storage '${storage}')`);
    const child = [...store.pools.keys()].find((id) => id.startsWith(`${poolid}/`));
    if (child !== undefined) throw die(`pool '${poolid}' is not empty (contains pool '${child}')`);
    store.pools.delete(poolid);
    store.acl.delete(`/pool/${poolid}`);
    return null;
  });
}

/** Registers the pool endpoints. */
export const installPools: AccessInstaller = (register, ctx, deps) => {
  const { store, perms } = deps;
  register("GET", "/pools", (req) => {
    const subject = subjectOf(req.auth);
    const only = str(req.params, "poolid");
    return [...store.pools]
      .filter(([id]) => (only === undefined || id === only) && perms.check(subject, `/pool/${id}`, ["Pool.Audit"], false, true))
      .map(([id, pool]) => (only !== undefined ? poolView(id, pool, str(req.params, "type")) : { poolid: id, ...(pool.comment !== undefined ? { comment: pool.comment } : {}) }));
  });

  register("POST", "/pools", (req) =>
    lockUserConfig(ctx, "create pool failed", () => {
      const poolid = String(req.params["poolid"]);
      if (store.pools.has(poolid)) throw die(`pool '${poolid}' already exists`);
      const parent = poolid.includes("/") ? poolid.slice(0, poolid.lastIndexOf("/")) : undefined;
      if (parent !== undefined && !store.pools.has(parent)) throw die(`parent '${parent}' does not exist`);
      const comment = str(req.params, "comment");
      store.pools.set(poolid, { vms: new Set(), storage: new Set(), ...(comment ? { comment } : {}) });
      return null;
    }),
  );

  register("PUT", "/pools", (req) => updatePool(ctx, deps, req.auth, req.params));
  register("PUT", "/pools/{poolid}", (req) => updatePool(ctx, deps, req.auth, req.params));
  register("DELETE", "/pools", (req) => deletePool(ctx, deps, String(req.params["poolid"])));
  register("DELETE", "/pools/{poolid}", (req) => deletePool(ctx, deps, String(req.params["poolid"])));

  register("GET", "/pools/{poolid}", (req) => {
    const poolid = String(req.params["poolid"]);
    const pool = store.pools.get(poolid);
    if (!pool) throw die(`pool '${poolid}' does not exist`);
    const { poolid: _id, ...rest } = poolView(poolid, pool, str(req.params, "type"));
    return rest;
  });
};
