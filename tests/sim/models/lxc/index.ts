/**
 * The pve-container model: `/nodes/{node}/lxc/...` as `src/PVE/API2/LXC.pm`,
 * `API2/LXC/Config.pm`, `API2/LXC/Status.pm` and `API2/LXC/Snapshot.pm` serve it, over the config files (`./store`), the
 * running containers (`./runtime`) and the shared guest pieces (`../guests`). Each module names
 * the functions it follows. It also answers for its containers in `/cluster/resources` and as
 * HA's resource agent (`HA/Resources/PVECT.pm`: a migration always relocates: shut down, migrate,
 * start on the target).
 */
import type { SimModel } from "../../types";
import { registerGuests, statsFromStatus } from "../guests/directory";
import { haStateOf } from "../guests/ha";
import { runAgentWorker } from "../guests/worker";
import { installClone } from "./clone";
import { installCreate } from "./create";
import { DEFAULT_TEMPLATE, lxcDeps, type LxcDeps, type LxcModelOptions } from "./deps";
import { installDestroy } from "./destroy";
import { installFeature } from "./feature";
import { installMigrate, migrateCt } from "./migrate";
import { installMoveVolume } from "./move-volume";
import { seedTemplates } from "./ostemplate";
import { installPower, startCt, stopCt } from "./power";
import { installReads } from "./read";
import { installResize } from "./resize";
import { installSnapshots } from "./snapshot";
import { ctStatus } from "./status";
import { installTemplate } from "./template";
import { installUpdate } from "./update";
import { registerLxcVzdump } from "./vzdump";

export type { LxcModelOptions } from "./deps";

/** What the cluster sees of the containers, and how the HA stack drives them. */
function announce(deps: LxcDeps): void {
  const { ctx, configs, runtime } = deps;
  registerGuests(ctx, "lxc", {
    stats(vmid) {
      const conf = configs.peek(vmid);
      if (!conf) return undefined;
      return statsFromStatus(ctStatus(deps, vmid, conf.main));
    },
  });
  const lrm = (type: string, vmid: number, body: Parameters<typeof runAgentWorker>[4]): Promise<void> =>
    runAgentWorker(ctx, configs.nodeOf(vmid), type, vmid, body);
  haStateOf(ctx).registerAgent("ct", {
    start: (vmid) => lrm("vzstart", vmid, (w) => startCt(deps, w.node, vmid, w)),
    stop: (vmid) => lrm("vzshutdown", vmid, (w) => stopCt(deps, w.node, vmid, w, { shutdown: true })),
    migrate: async (vmid, target) => {
      const wasRunning = runtime.isRunning(vmid);
      if (wasRunning) await lrm("vzshutdown", vmid, (w) => stopCt(deps, w.node, vmid, w, { shutdown: true }));
      await lrm("vzmigrate", vmid, (w) => migrateCt(deps, w.node, vmid, target, { online: false, restart: false }, w));
      if (wasRunning) await lrm("vzstart", vmid, (w) => startCt(deps, w.node, vmid, w));
    },
    where: (vmid) => {
      const node = configs.nodeOf(vmid);
      return node ? { node, running: runtime.isRunning(vmid) } : undefined;
    },
  });
}

/** Builds the pve-container model. */
export function lxcModel(options: LxcModelOptions = {}): SimModel {
  return {
    name: "lxc",
    install(register, ctx) {
      const deps = lxcDeps(ctx, options);
      seedTemplates(ctx, options.templates ?? [DEFAULT_TEMPLATE]);
      installReads(register, deps);
      installCreate(register, deps);
      installUpdate(register, deps);
      installPower(register, deps);
      installDestroy(register, deps);
      installClone(register, deps);
      installTemplate(register, deps);
      installResize(register, deps);
      installMoveVolume(register, deps);
      installMigrate(register, deps);
      installFeature(register, deps);
      installSnapshots(register, deps);
      announce(deps);
      registerLxcVzdump(ctx, deps);
    },
  };
}
