import { defineKind } from "../../define";

/** `cluster.PoolMembership`: one guest or storage as a member of a pool. */
export const poolMembership = defineKind({
  namespace: "cluster",
  name: "PoolMembership",
  description:
    "One member of a resource pool: a guest (`vmId`) or a storage (`storageId`), added with `PUT /pools` and " +
    "removed with its `delete` flag. Its identity is (pool, member), so removing one membership never touches the " +
    "pool's other members; nested pools (`parent/child`) work. A guest belongs to at most one pool: set " +
    "`allowMove` to take it from its current pool.",
  lifecycle: "collection",
  identity: ["poolid", "vms", "storage"],
  idSeparator: "|",
  create: { method: "PUT", path: "/pools" },
  read: {
    path: "/pools",
    select: (item, id) =>
      item["poolid"] === id["poolid"] &&
      Array.isArray(item["members"]) &&
      (item["members"] as Array<Record<string, unknown>>).some((m) =>
        id["vms"] !== undefined ? String(m["vmid"]) === id["vms"] && m["type"] !== "storage" : m["type"] === "storage" && m["storage"] === id["storage"],
      ),
  },
  // No update: a membership is (pool, member); `allowMove` only steers the add.
  remove: { method: "PUT", path: "/pools", extra: { delete: 1 } },
  exclude: ["comment"],
  oneOf: [{ fields: ["vms", "storage"], required: true }],
  fields: {
    poolid: { sdkName: "poolId", doc: "The pool; `parent/child` for a nested pool." },
    vms: { sdkName: "vmId", single: true, doc: "The guest (VM or container) id, e.g. `100`." },
    storage: { sdkName: "storageId", single: true, doc: "The storage id, e.g. `local`." },
    "allow-move": { sdkName: "allowMove", writeOnly: true, replaceOnChange: false, doc: "Move the guest here from the pool it belongs to now." },
  },
});
