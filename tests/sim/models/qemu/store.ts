/**
 * The VM config files of the cluster (`/etc/pve/nodes/<node>/qemu-server/<vmid>.conf`): the
 * shared guest config store (`../guests/config-store`) with qemu-server's file text and digest.
 */
import type { SimContext } from "../../types";
import { GuestConfigStore } from "../guests/config-store";
import { vmlistOf } from "../guests/vmlist";
import { simService } from "../services";
import { vmConfigDigest } from "./config-file";

/** The VM configs of one simulator. */
export type VmConfigStore = GuestConfigStore;

/** The VM configs of a simulator. */
export const vmConfigsOf = simService<VmConfigStore>(
  "qemu-server configs",
  (ctx: SimContext) => new GuestConfigStore(vmlistOf(ctx), { type: "qemu", dir: "qemu-server", digest: vmConfigDigest }),
);
