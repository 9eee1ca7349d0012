import type { CommitSpec } from "../../spec";

/**
 * SDN edits are staged until `PUT /cluster/sdn` applies them: pve-network's `reload` commits the
 * pending config under the SDN lock (synchronously, before it answers) and then starts a
 * `reloadnetworkall` task. With PVE 9's global lock, a batch takes `POST /cluster/sdn/lock`
 * (first without `allow-pending`, so that it knows whether someone else's changes are pending; if
 * so, with it, and the apply takes them along, as PVE's own "Apply" does) and the apply sends
 * `release-lock=1`: PVE never fills in that parameter's documented default, so without it the
 * lock would stay held. When the apply fails, a batch whose pending changes are all its own rolls
 * them back (`POST /cluster/sdn/rollback`, which discards every pending change); otherwise it
 * releases the lock (`DELETE /cluster/sdn/lock`).
 */
export const SDN_COMMIT: CommitSpec = {
  call: { method: "PUT", path: "/cluster/sdn" },
  lock: {
    path: "/cluster/sdn/lock",
    tokenParam: "lock-token",
    allowPendingParam: "allow-pending",
    pendingRefusal: /configuration has pending changes/,
    releaseParam: "release-lock",
  },
  rollback: { method: "POST", path: "/cluster/sdn/rollback" },
};
