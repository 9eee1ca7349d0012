/**
 * The read function of `/cluster/nextid`. PVE answers with the id as a JSON string (`"100"`); the
 * official schema types the answer `integer`, and the read framework decodes a result by that
 * schema (`decodeReturn` for the SDK, a `number` attribute in Terraform), so the result is a
 * number without anything stated here.
 */
import { defineRead } from "../define";

/** `cluster.getNextId`: a VMID that is free now. */
export const getNextId = defineRead({
  namespace: "cluster",
  name: "getNextId",
  description:
    "A free VMID: the lowest one not in use (within the datacenter's `next-id` range when it sets one), or `vmid` when that one is free; PVE fails when `vmid` is in use. It reserves nothing: a guest created by someone else in between can take it (`GET /cluster/nextid`).",
  path: "/cluster/nextid",
  args: [
    { pveName: "vmid", sdkName: "vmid", doc: "Check this VMID instead: it is returned when free, and the read fails when a guest has it.", optional: true },
  ],
});
