/**
 * The pve-container model: `/nodes/{node}/lxc/...` as `src/PVE/API2/LXC.pm`,
 * `API2/LXC/Config.pm`, `API2/LXC/Status.pm` and `API2/LXC/Snapshot.pm` serve it, over the config files (`./store`), the
 * running containers (`./runtime`) and the shared guest pieces (`../guests`). Each module names
 * the functions it follows. It also answers for its containers in `/cluster/resources` and as
 * HA's resource agent (`HA/Resources/PVECT.pm`: a migration always relocates: shut down, migrate,
 * start on the target).
 */
import type { SimModel } from "../../types";
import { registerGuests } from "../guests/directory";
import { haStateOf } from "../guests/ha";
import { forkWorker } from "../guests/worker";
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

const ROOT = { userid: "root@pam", via: "ticket" } as const;

/** What the cluster sees of the containers, and how the HA stack drives them. */
function announce(deps: LxcDeps): void {
  const { ctx, configs, runtime } = deps;
  registerGuests(ctx, "lxc", {
    stats(vmid) {
      const conf = configs.peek(vmid);
      if (!conf) return undefined;
      const s = ctStatus(deps, vmid, conf.main);
      return {
        name: String(s.name),
        status: s.status === "running" ? "running" : "stopped",
        template: s.template ? 1 : 0,
        maxcpu: Number(s.cpus),
        maxmem: Number(s.maxmem),
        maxdisk: Number(s.maxdisk),
        mem: Number(s.mem),
        cpu: Number(s.cpu),
        uptime: Number(s.uptime),
        ...(s.tags !== undefined ? { tags: String(s.tags) } : {}),
        ...(s.lock !== undefined ? { lock: String(s.lock) } : {}),
      };
    },
  });
  const lrm = (type: string, vmid: number, body: Parameters<typeof forkWorker>[3]): Promise<void> => {
    const node = configs.nodeOf(vmid);
    if (!node) return Promise.resolve();
    return new Promise((resolve, reject) => {
      forkWorker(ctx, ROOT, { node, type, id: String(vmid) }, async (worker) => {
        try {
          await body(worker);
          resolve();
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
          throw err;
        }
      });
    });
  };
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
