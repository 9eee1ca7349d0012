/**
 * What a container restore takes from the archive (pve-container `src/PVE/LXC/Create.pm`
 * `recover_config`, `recover_config_from_tar`, `restore_configuration_from_etc_vzdump`,
 * `sanitize_and_merge_config`): the backed-up `pct.conf` (its snapshots dropped) and its mount
 * points; after the data is back, every backed-up key the request did not set is taken over,
 * except the volumes, `unprivileged`, `parent` and `template`; `unique` gives each NIC a new MAC;
 * a restricted (non-root) restore skips raw `lxc.*` keys and, when turning an unprivileged
 * backup privileged, its features.
 */
import type { SimAuth } from "../../types";
import { pveDie } from "../config-text";
import type { ConfigSection } from "../guests/config";
import { randomDatacenterMac } from "../guests/params";
import type { StorageEnv } from "../guests/storage-ops";
import { archiveContents, archiveInfo } from "../backup/archives";
import { parseCtConfigText } from "./config-file";
import { parseNetwork, printNetwork, volumesOf } from "./mountpoint";
import { checkBridgeAccess } from "./permissions";

/** `recover_config`: the archive's config and its mount points (`rootfs`, `mpN`). */
export function recoverConfig(env: StorageEnv, archive: string): { conf: ConfigSection; mpParam: Record<string, string> } {
  const contents = archiveContents(env, archive);
  const info = archiveInfo(archive);
  if (info.type !== "lxc" || contents.guestType !== "lxc") throw pveDie("ERROR: archive contains no configuration file");
  const conf = parseCtConfigText(contents.config).main;
  const mpParam: Record<string, string> = {};
  for (const { key } of volumesOf(conf)) mpParam[key] = String(conf[key]);
  return { conf, mpParam };
}

/** `sanitize_and_merge_config`. */
export function sanitizeAndMergeConfig(
  env: StorageEnv,
  auth: SimAuth,
  conf: ConfigSection,
  oldconf: Readonly<ConfigSection>,
  restricted: boolean,
  unique: boolean,
  log: (line: string) => void,
): void {
  for (const key of Object.keys(oldconf)) {
    if (["digest", "rootfs", "snapshots", "unprivileged", "parent", "template"].includes(key) || /^(mp|unused)\d+$/.test(key)) continue;
    if (restricted && key === "features" && !conf.unprivileged && oldconf.unprivileged) {
      log("changing from unprivileged to privileged, skipping features");
      continue;
    }
    if (/^net\d+$/.test(key) && conf[key] === undefined) checkBridgeAccess(env.ctx, auth, oldconf[key] as string);
    if (unique && /^net\d+$/.test(key)) {
      const net = parseNetwork(env.ctx, String(oldconf[key]));
      net.hwaddr = randomDatacenterMac(env.ctx);
      conf[key] = printNetwork(net);
      continue;
    }
    if (conf[key] === undefined) conf[key] = oldconf[key] as string | number;
  }
}
