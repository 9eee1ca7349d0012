/**
 * The VM config files of the cluster (`/etc/pve/nodes/<node>/qemu-server/<vmid>.conf`): the
 * shared guest config store (`../guests/config-store`) with qemu-server's file text and digest,
 * and what `write_vm_config` drops on every write: `unusedN` entries whose volume a drive (or
 * pending drive) uses again, and an empty `boot`.
 */
import type { SimContext } from "../../types";
import type { GuestConf } from "../guests/config";
import { GuestConfigStore } from "../guests/config-store";
import { vmlistOf } from "../guests/vmlist";
import { simService } from "../services";
import { dropEmptyBoot, dropReattachedUnused, vmConfigDigest } from "./config-file";

/** `write_vm_config`'s clean-up of the hash it is given. */
function normalize(conf: GuestConf): void {
  dropReattachedUnused(conf);
  dropEmptyBoot(conf);
}

/** The VM configs of one simulator. */
export type VmConfigStore = GuestConfigStore;

/** The VM configs of a simulator. */
export const vmConfigsOf = simService<VmConfigStore>(
  "qemu-server configs",
  (ctx: SimContext) => new GuestConfigStore(vmlistOf(ctx), { type: "qemu", dir: "qemu-server", digest: vmConfigDigest, normalize }),
);
