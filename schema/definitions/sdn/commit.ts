import type { CommitSpec } from "../../define";

/**
 * SDN edits are staged until `PUT /cluster/sdn` applies them (a `reloadnetworkall` task). With
 * PVE 9's global lock, a batch takes `POST /cluster/sdn/lock` (allowing changes someone else left
 * pending: the apply takes them along, as PVE's own "Apply" button does) and the apply releases it.
 */
export const SDN_COMMIT: CommitSpec = {
  call: { method: "PUT", path: "/cluster/sdn" },
  lock: { path: "/cluster/sdn/lock", tokenParam: "lock-token", params: { "allow-pending": 1 } },
};
