/**
 * The container config files of the cluster (`/etc/pve/nodes/<node>/lxc/<vmid>.conf`): the shared
 * guest config store (`../guests/config-store`) with pve-container's file text and digest, and
 * what a write and re-read do to a config (mounted `unusedN` dropped, descriptions' newlines).
 */
import type { SimContext } from "../../types";
import { GuestConfigStore } from "../guests/config-store";
import { vmlistOf } from "../guests/vmlist";
import { simService } from "../services";
import { ctConfigDigest, normalizeCtConf } from "./config-file";

/** The container configs of a simulator. */
export const ctConfigsOf = simService<GuestConfigStore>(
  "pve-container configs",
  (ctx: SimContext) => new GuestConfigStore(vmlistOf(ctx), { type: "lxc", dir: "lxc", digest: ctConfigDigest, normalize: normalizeCtConf }),
);
