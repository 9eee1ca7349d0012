import { defineKind } from "../../define";

/** `cluster.Pool`: a resource pool (`/pools`). */
export const pool = defineKind({
  namespace: "cluster",
  name: "Pool",
  description:
    "A resource pool (`/pools`). Nested pools are written `parent/child`; the parent must exist. " +
    "The pool's guests and storages are managed by `cluster.PoolMembership`. Needs PVE 8.1 or later, " +
    "which addresses pools by parameter (`/pools?poolid=`) so that nested ids work.",
  lifecycle: "collection",
  identity: ["poolid"],
  create: { method: "POST", path: "/pools" },
  // `/pools/{poolid}` cannot address nested ids (`a/b`): PVE 8.1+ takes the id as a parameter.
  read: { path: "/pools", select: (item, id) => item["poolid"] === id["poolid"] },
  update: { method: "PUT", path: "/pools" },
  remove: { method: "DELETE", path: "/pools" },
  exclude: ["vms", "storage", "allow-move"],
  fields: {
    poolid: { sdkName: "poolId", doc: "The pool id; `parent/child` for a nested pool." },
    comment: { doc: "A free-form comment." },
  },
});
