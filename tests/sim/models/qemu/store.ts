/**
 * The VM config files of the cluster (`/etc/pve/nodes/<node>/qemu-server/<vmid>.conf`): the
 * shared guest config store (`../guests/config-store`) with qemu-server's file text and digest,
 * and `write_vm_config`'s drop of `unusedN` entries whose volume a drive (or pending drive) uses.
 */
import type { SimContext } from "../../types";
import { GuestConfigStore } from "../guests/config-store";
import { vmlistOf } from "../guests/vmlist";
import { simService } from "../services";
import type { ConfigSection, GuestConf } from "../guests/config";
import { vmConfigDigest } from "./config-file";
import { isDriveName } from "./confdesc";
import { parseDrive } from "./drive";

/** `write_vm_config`: "remove 'unusedX' settings if we re-add a volume". */
function dropReaddedUnused(conf: GuestConf): void {
  const used = new Set<string>();
  const collect = (section: Readonly<ConfigSection>): void => {
    for (const [key, value] of Object.entries(section)) if (isDriveName(key)) {
      const file = parseDrive(key, String(value))?.file;
      if (file) used.add(file);
    }
  };
  collect(conf.main);
  collect(conf.pending);
  for (const key of Object.keys(conf.main)) if (/^unused\d+$/.test(key) && used.has(String(conf.main[key]))) delete conf.main[key];
}

/** The VM configs of one simulator. */
export type VmConfigStore = GuestConfigStore;

/** The VM configs of a simulator. */
export const vmConfigsOf = simService<VmConfigStore>(
  "qemu-server configs",
  (ctx: SimContext) => new GuestConfigStore(vmlistOf(ctx), { type: "qemu", dir: "qemu-server", digest: vmConfigDigest, normalize: dropReaddedUnused }),
);
