/** Read functions of `/pools`: the pool list and one pool (the family of `cluster.Pool`). */
import { defineRead } from "../define";

/** `cluster.getPools`: every resource pool. */
export const getPools = defineRead({
  namespace: "cluster",
  name: "getPools",
  description: "Lists the resource pools (`GET /pools`).",
  path: "/pools",
  args: [],
});

/** `cluster.getPool`: one pool with its members (PVE answers with a one-item list). */
export const getPool = defineRead({
  namespace: "cluster",
  name: "getPool",
  description: "Reads one pool with its members (`GET /pools?poolid=`; nested ids such as `a/b` work).",
  path: "/pools",
  args: [{ pveName: "poolid", sdkName: "poolId", doc: "The pool id." }],
  firstItem: true,
});
