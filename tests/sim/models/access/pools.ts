/**
 * `/pools` as pve-manager `PVE/API2/Pool.pm` serves it (`index`, `create_pool`, `update_pool`
 * and `update_pool_deprecated`, `read_pool`, `delete_pool` and `delete_pool_deprecated`), kept in
 * user.cfg (pve-access-control `src/PVE/AccessControl.pm`: `parse_user_config` for nesting,
 * `delete_pool_acl`), members shown as `PVE::API2Tools::extract_vm_stats` /
 * `extract_storage_stats` show them without RRD data.
 *
 * The access model knows no guests and no storage.cfg: every VM member is listed as a `qemu`
 * guest on the first node, every storage member as it was added (see tests/sim/FIDELITY.md).
 */
import { splitList } from "../../../../schema/pve-formats";
import type { SimContext } from "../../types";
import type { AccessDeps, AccessInstaller } from "./common";
import { die, lockUserConfig, str, storedText, subjectOf } from "./common";
import type { PoolEntry } from "./store";

/** The pool with its members, as `GET /pools?poolid=` lists it. VM ids sort as strings (`sort keys`). */
function poolView(ctx: SimContext, poolid: string, pool: PoolEntry, type?: string): Record<string, unknown> {
  const node = ctx.nodes[0] ?? "pve1";
  const vms = [...pool.vms].map(String).sort();
  const members = [
    ...(type === undefined || type === "qemu" ? vms.map((vmid) => ({ id: `qemu/${vmid}`, vmid: Number(vmid), node, type: "qemu", status: "unknown" })) : []),
    ...(type === undefined || type === "storage"
      ? [...pool.storage].sort().map((storage) => ({ id: `storage/${node}/${storage}`, storage, node, type: "storage", status: "unknown" }))
      : []),
  ];
  return { members, ...(pool.comment !== undefined ? { comment: pool.comment } : {}), poolid };
}

function setComment(pool: PoolEntry, comment: string | undefined): void {
  const stored = storedText(comment);
  if (stored === undefined) delete pool.comment;
  else pool.comment = stored;
}

/** `update_pool`'s member edits, shared by `PUT /pools` and `PUT /pools/{poolid}`. */
async function updatePool(
  ctx: SimContext,
  { store, perms }: AccessDeps,
  auth: { userid: string; tokenid?: string },
  p: Readonly<Record<string, unknown>>,
): Promise<null> {
  return lockUserConfig(ctx, "update pools failed", () => {
    const poolid = String(p["poolid"]);
    const pool = store.pools.get(poolid);
    if (!pool) throw die(`pool '${poolid}' does not exist`);
    // The handler dies before cfs_write_file: a refused member leaves the pool as it was.
    const before = { comment: pool.comment, vms: new Map([...store.pools].map(([id, other]) => [id, new Set(other.vms)])), storage: new Set(pool.storage) };
    try {
      const comment = str(p, "comment");
      if (comment !== undefined) setComment(pool, comment);
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
          perms.check(subject, `/pool/${current[0]}`, ["Pool.Allocate"], false);
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
    } catch (err) {
      if (before.comment === undefined) delete pool.comment;
      else pool.comment = before.comment;
      for (const [id, vms] of before.vms) {
        const other = store.pools.get(id);
        if (!other) continue;
        other.vms.clear();
        for (const vmid of vms) other.vms.add(vmid);
      }
      pool.storage.clear();
      for (const storage of before.storage) pool.storage.add(storage);
      throw err;
    }
    return null;
  });
}

/** `delete_pool`: only a pool without sub-pools and members (PVE skips members that no longer exist). */
function deletePool(ctx: SimContext, { store }: AccessDeps, poolid: string): Promise<null> {
  return lockUserConfig(ctx, "delete pool failed", () => {
    const pool = store.pools.get(poolid);
    if (!pool) throw die(`pool '${poolid}' does not exist`);
    const [child] = store.childPools(poolid);
    if (child !== undefined) throw die(`pool '${poolid}' is not empty (contains pool '${child}')`);
    const [vmid] = [...pool.vms].map(String).sort();
    if (vmid !== undefined) throw die(`pool '${poolid}' is not empty (contains VM ${vmid})`);
    const [storage] = [...pool.storage].sort();
    if (storage !== undefined) throw die(`pool '${poolid}' is not empty (contains storage '${storage}')`);
    store.pools.delete(poolid);
    // `delete_pool_acl` removes the ACL subtree below /pool/<id>; a nested id is no child key there, so its ACLs stay.
    if (!poolid.includes("/"))
      for (const path of [...store.acl.keys()]) if (path === `/pool/${poolid}` || path.startsWith(`/pool/${poolid}/`)) store.acl.delete(path);
    return null;
  });
}

/** Registers the pool endpoints. */
export const installPools: AccessInstaller = (register, ctx, deps) => {
  const { store, perms } = deps;

  // `GET /pools?poolid=` checks Pool.Audit with noerr and ignores the answer: anyone may read one pool.
  const listOne = (poolid: string, type: string | undefined): Record<string, unknown>[] => {
    const pool = store.pools.get(poolid);
    if (!pool) throw die(`pool '${poolid}' does not exist`);
    return [poolView(ctx, poolid, pool, type)];
  };

  register("GET", "/pools", (req) => {
    const only = str(req.params, "poolid");
    if (only) return listOne(only, str(req.params, "type"));
    const subject = subjectOf(req.auth);
    return [...store.pools.keys()]
      .sort()
      .filter((id) => perms.check(subject, `/pool/${id}`, ["Pool.Audit"], false, true))
      .map((id) => {
        const comment = store.pools.get(id)?.comment;
        return { poolid: id, ...(comment !== undefined ? { comment } : {}) };
      });
  });

  register("POST", "/pools", (req) =>
    lockUserConfig(ctx, "create pool failed", () => {
      const poolid = String(req.params["poolid"]);
      if (store.pools.has(poolid)) throw die(`pool '${poolid}' already exists`);
      const slash = poolid.lastIndexOf("/");
      if (slash >= 0) {
        const parent = poolid.slice(0, slash);
        if (!store.pools.has(parent)) throw die(`parent '${parent}' of pool '${poolid}' does not exist`);
      }
      if (!/^[A-Za-z]/.test(poolid.slice(slash + 1))) throw die("pool name must start with a letter");
      const pool: PoolEntry = { vms: new Set(), storage: new Set() };
      setComment(pool, str(req.params, "comment"));
      store.pools.set(poolid, pool);
      return null;
    }),
  );

  register("PUT", "/pools", (req) => updatePool(ctx, deps, req.auth, req.params));
  register("PUT", "/pools/{poolid}", (req) => updatePool(ctx, deps, req.auth, req.params));
  register("DELETE", "/pools", (req) => deletePool(ctx, deps, String(req.params["poolid"])));
  register("DELETE", "/pools/{poolid}", (req) => deletePool(ctx, deps, String(req.params["poolid"])));

  // `read_pool` returns the first item of `index` for the pool: with its `poolid`.
  register("GET", "/pools/{poolid}", (req) => listOne(String(req.params["poolid"]), str(req.params, "type"))[0]);
};
