/**
 * One lifecycle scenario per kind: what to declare, how to change it in place, what replaces it,
 * an out-of-band edit and the drift it must show, and an existing object to import.
 */
import type { ProxmoxClient } from "../../provider/client";
import { takesAdopt } from "../../schema/define";
import { definitionOf } from "../../schema/definitions";
import type { Simulator } from "../sim";
import type { Declared } from "./harness";

export interface KindScenario {
  namespace: string;
  kind: string;
  initial: Record<string, unknown>;
  /** An in-place change (absent when PVE can change nothing in place). */
  updated?: { args: Record<string, unknown>; diffs: string[] };
  /** Args that PVE cannot reach by an update (absent for singletons). */
  replaced?: { args: Record<string, unknown>; replaces: string[] };
  /** Whether the object described by args exists on the simulator. */
  exists(admin: ProxmoxClient, args: Record<string, unknown>): Promise<boolean>;
  /** Objects the scenario needs on PVE before it starts (e.g. the pools members go into). */
  setup?(admin: ProxmoxClient): Promise<unknown>;
  /** An edit made by hand, and the output keys that refresh must report as drifted. */
  drift: { edit(admin: ProxmoxClient, args: Record<string, unknown>): Promise<unknown>; keys: string[]; step?: "update" | "replace" };
  /**
   * Creates an object by hand, and returns its id and the args that describe it: the scenario
   * adopts it (and the real-CLI suite shows that `import` of that id cannot work).
   */
  existing(admin: ProxmoxClient): Promise<{ importId: string; args: Record<string, unknown> }>;
  /** Secret values that must never appear in plain text in the state. */
  secrets?: string[];
  /** How the provider authenticates (PVE refuses API tokens for some paths, e.g. TFA). */
  auth?: "token" | "ticket";
  /** Invalid args: preview must fail naming this property. */
  invalid?: { args: Record<string, unknown>; property: string };
  /** Deleting leaves PVE's values as they are (a node's DNS, hosts, time zone). */
  destroyKeeps?: boolean;
  /** Checked after every successful `up` (e.g. nothing left staged). */
  settled?(admin: ProxmoxClient, sim: Simulator): Promise<void>;
}

export async function found(get: () => Promise<unknown>): Promise<boolean> {
  try {
    const value = await get();
    return !(Array.isArray(value) && value.length === 0);
  } catch (error) {
    if ((error as { kind?: string }).kind === "not-found") return false;
    throw error;
  }
}

/**
 * The args that adopt an existing object: `adopt: true` where the kind takes it (collections);
 * singletons always exist, and their create adopts them as they are; undefined where nothing can.
 */
export function adopting(s: Pick<KindScenario, "namespace" | "kind">, args: Record<string, unknown>): Record<string, unknown> | undefined {
  const def = definitionOf(`${s.namespace}:${s.kind}`);
  if (takesAdopt(def)) return { ...args, adopt: true };
  // A collection whose identity PVE assigns (a TFA entry's id) cannot be found before it exists.
  return def.lifecycle === "collection" ? undefined : args;
}

export function declare(s: KindScenario, name: string, args: Record<string, unknown>, importId?: string): Declared {
  return { namespace: s.namespace, kind: s.kind, name, args, ...(importId ? { importId } : {}) };
}

export const accessScenarios: KindScenario[] = [
  {
    namespace: "access",
    kind: "User",
    initial: { userId: "u1@pve", comment: "one", email: "u1@example.com", password: { $secret: "first-Passw0rd-secret" } },
    updated: { args: { userId: "u1@pve", comment: "two", email: "u1@example.com", password: { $secret: "first-Passw0rd-secret" } }, diffs: ["comment"] },
    replaced: { args: { userId: "u2@pve", comment: "two" }, replaces: ["userId"] },
    exists: (admin, a) => found(() => admin.get(`/access/users/${String(a["userId"])}`)),
    drift: { edit: (admin, a) => admin.put(`/access/users/${String(a["userId"])}`, { comment: "by hand" }), keys: ["comment"] },
    existing: async (admin) => {
      await admin.post("/access/users", { userid: "adopted@pve", comment: "made by hand" });
      return { importId: "adopted@pve", args: { userId: "adopted@pve", comment: "made by hand" } };
    },
    secrets: ["first-Passw0rd-secret"],
  },
  {
    namespace: "access",
    kind: "Group",
    initial: { groupId: "g1", comment: "one" },
    updated: { args: { groupId: "g1", comment: "two" }, diffs: ["comment"] },
    replaced: { args: { groupId: "g2", comment: "two" }, replaces: ["groupId"] },
    exists: (admin, a) => found(() => admin.get(`/access/groups/${String(a["groupId"])}`)),
    drift: { edit: (admin, a) => admin.put(`/access/groups/${String(a["groupId"])}`, { comment: "by hand" }), keys: ["comment"] },
    existing: async (admin) => {
      await admin.post("/access/groups", { groupid: "adopted", comment: "made by hand" });
      return { importId: "adopted", args: { groupId: "adopted", comment: "made by hand" } };
    },
  },
  {
    namespace: "access",
    kind: "Role",
    initial: { roleId: "Watchers", privileges: ["VM.Audit"] },
    updated: { args: { roleId: "Watchers", privileges: ["VM.Audit", "Sys.Audit"] }, diffs: ["privileges"] },
    replaced: { args: { roleId: "Observers", privileges: ["VM.Audit"] }, replaces: ["roleId"] },
    exists: (admin, a) => found(() => admin.get(`/access/roles/${String(a["roleId"])}`)),
    drift: { edit: (admin, a) => admin.put(`/access/roles/${String(a["roleId"])}`, { privs: "Sys.Audit" }), keys: ["privileges"] },
    existing: async (admin) => {
      await admin.post("/access/roles", { roleid: "Adopted", privs: "Datastore.Audit" });
      return { importId: "Adopted", args: { roleId: "Adopted", privileges: ["Datastore.Audit"] } };
    },
  },
  {
    namespace: "access",
    kind: "Acl",
    // PVE stores no ACL entries for root@pam: the grants go to a user of their own.
    setup: (admin) => admin.post("/access/users", { userid: "auditor@pve" }),
    initial: { path: "/vms", roleId: "PVEAuditor", userId: "auditor@pve", propagate: true },
    updated: { args: { path: "/vms", roleId: "PVEAuditor", userId: "auditor@pve", propagate: false }, diffs: ["propagate"] },
    replaced: { args: { path: "/storage", roleId: "PVEAuditor", userId: "auditor@pve", propagate: false }, replaces: ["path"] },
    exists: async (admin, a) => {
      const acl = await admin.get<Array<{ path: string; roleid: string; ugid: string }>>("/access/acl");
      return acl.some((e) => e.path === a["path"] && e.roleid === a["roleId"] && e.ugid === a["userId"]);
    },
    drift: {
      edit: (admin, a) => admin.put("/access/acl", { path: String(a["path"]), roles: String(a["roleId"]), users: String(a["userId"]), propagate: true }),
      keys: ["propagate"],
    },
    existing: async (admin) => {
      await admin.put("/access/acl", { path: "/nodes", roles: "PVEAuditor", users: "auditor@pve" });
      return { importId: "/nodes|PVEAuditor|users=auditor@pve", args: { path: "/nodes", roleId: "PVEAuditor", userId: "auditor@pve" } };
    },
    invalid: { args: { path: "/storage/local/", roleId: "PVEAuditor", userId: "auditor@pve" }, property: "path" },
  },
];

export const tokenAndClusterScenarios: KindScenario[] = [
  {
    namespace: "access",
    kind: "ApiToken",
    initial: { userId: "root@pam", tokenId: "t1", comment: "one" },
    updated: { args: { userId: "root@pam", tokenId: "t1", comment: "two" }, diffs: ["comment"] },
    replaced: { args: { userId: "root@pam", tokenId: "t2", comment: "two" }, replaces: ["tokenId"] },
    exists: (admin, a) => found(() => admin.get(`/access/users/root@pam/token/${String(a["tokenId"])}`)),
    drift: { edit: (admin, a) => admin.put(`/access/users/root@pam/token/${String(a["tokenId"])}`, { comment: "by hand" }), keys: ["comment"] },
    existing: async (admin) => {
      await admin.post("/access/users/root@pam/token/adopted", { comment: "made by hand" });
      return { importId: "root@pam!adopted", args: { userId: "root@pam", tokenId: "adopted", comment: "made by hand" } };
    },
  },
  {
    namespace: "cluster",
    kind: "Pool",
    initial: { poolId: "p1", comment: "one" },
    updated: { args: { poolId: "p1", comment: "two" }, diffs: ["comment"] },
    replaced: { args: { poolId: "p2", comment: "two" }, replaces: ["poolId"] },
    exists: (admin, a) => found(() => admin.get("/pools", { poolid: String(a["poolId"]) })),
    drift: { edit: (admin, a) => admin.put("/pools", { poolid: String(a["poolId"]), comment: "by hand" }), keys: ["comment"] },
    existing: async (admin) => {
      await admin.post("/pools", { poolid: "adopted", comment: "made by hand" });
      return { importId: "adopted", args: { poolId: "adopted", comment: "made by hand" } };
    },
  },
  {
    namespace: "cluster",
    kind: "Options",
    initial: { keyboard: "de", nextId: { lower: 500, upper: 900 } },
    updated: { args: { keyboard: "fr", nextId: { lower: 500, upper: 900 } }, diffs: ["keyboard"] },
    // The seeded datacenter.cfg already has a keyboard (en-us): the scenario's own value tells.
    exists: async (admin, a) => (await admin.get<Record<string, unknown>>("/cluster/options"))["keyboard"] === a["keyboard"],
    drift: { edit: (admin) => admin.put("/cluster/options", { keyboard: "it" }), keys: ["keyboard"] },
    existing: async (admin) => {
      await admin.put("/cluster/options", { language: "de" });
      return { importId: "cluster", args: { language: "de" } };
    },
  },
];
