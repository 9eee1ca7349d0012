/** The read function of `/cluster/sdn/zones` (the family of `sdn.Zone`). */
import { defineRead } from "../define";

/** `sdn.getZones`: the SDN zones: staged, pending or running. */
export const getZones = defineRead({
  namespace: "sdn",
  name: "getZones",
  description:
    "Lists SDN zones (`GET /cluster/sdn/zones`): the staged config by default; `pending: true` shows what an " +
    "apply would change (`state`: new, changed, deleted, and the `pending` values); `running: true` the applied config.",
  path: "/cluster/sdn/zones",
  args: [
    { pveName: "type", sdkName: "type", doc: "Only zones of this type.", optional: true },
    { pveName: "pending", sdkName: "pending", doc: "Show pending changes.", optional: true },
    { pveName: "running", sdkName: "running", doc: "Show the running (applied) config.", optional: true },
  ],
});
