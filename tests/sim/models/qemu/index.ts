/**
 * The qemu-server model: `/nodes/{node}/qemu/...` as `src/PVE/API2/Qemu.pm` and
 * `API2/Qemu/Agent.pm` serve it, over the config files (`./store`), the QEMU processes
 * (`./runtime`) and the shared guest pieces (`../guests`). Each module names the functions it
 * follows. It also answers for its VMs in `/cluster/resources` and as HA's resource agent.
 */
import type { SimModel, SimRequest } from "../../types";
import { registerGuests, statsFromStatus } from "../guests/directory";
import { haStateOf } from "../guests/ha";
import { installAgent } from "./agent";
import { applyCloudinitConfig, cloudinitDrive, cloudinitPending } from "./cloudinit";
import { installClone } from "./clone";
import { installCreate } from "./create";
import { checkLock, qemuDeps, type QemuDeps, type QemuModelOptions } from "./deps";
import { installDestroy } from "./destroy";
import { installMigrate, migrateVm } from "./migrate";
import { installMoveDisk } from "./move-disk";
import { installPower, startVm, stopVm } from "./power";
import { installReads } from "./read";
import { installResize } from "./resize";
import { installSnapshots } from "./snapshot";
import { vmStatus } from "./status";
import { installTemplate } from "./template";
import { installUpdate } from "./update";
import { runAgentWorker } from "../guests/worker";
import { registerQemuVzdump } from "./vzdump";
import { lockConfig } from "./worker";

export type { QemuModelOptions } from "./deps";

const ROOT = { userid: "root@pam", via: "ticket" } as const;

/** `GET/PUT .../cloudinit` (`cloudinit_pending`, `cloudinit_update`). */
function installCloudinit(register: (method: "GET" | "PUT", template: string, handler: (req: SimRequest) => unknown) => void, deps: QemuDeps): void {
  register("GET", "/nodes/{node}/qemu/{vmid}/cloudinit", (req) => cloudinitPending(deps.configs.load(Number(req.params.vmid), String(req.params.node))));
  register("PUT", "/nodes/{node}/qemu/{vmid}/cloudinit", async (req) => {
    const node = String(req.params.node);
    const vmid = Number(req.params.vmid);
    await lockConfig(deps.ctx, node, vmid, async () => {
      const conf = deps.configs.load(vmid, node);
      checkLock(conf);
      if (!cloudinitDrive(conf)) return;
      if (await applyCloudinitConfig({ ctx: deps.ctx, node }, vmid, conf, () => undefined)) deps.configs.write(vmid, conf);
    });
    return null;
  });
}

/** What the cluster sees of the VMs, and how the HA stack drives them. */
function announce(deps: QemuDeps): void {
  const { ctx, configs } = deps;
  registerGuests(ctx, "qemu", {
    stats(vmid) {
      const conf = configs.peek(vmid);
      if (!conf) return undefined;
      return statsFromStatus(vmStatus(deps, vmid, conf, false));
    },
  });
  const lrm = (type: string, vmid: number, body: Parameters<typeof runAgentWorker>[4]): Promise<void> =>
    runAgentWorker(ctx, configs.nodeOf(vmid), type, vmid, body);
  haStateOf(ctx).registerAgent("vm", {
    start: (vmid) => lrm("qmstart", vmid, (w) => startVm(deps, ROOT, w.node, vmid, w)),
    stop: (vmid) => lrm("qmshutdown", vmid, (w) => stopVm(deps, ROOT, w.node, vmid, w, { shutdown: true })),
    migrate: (vmid, target) =>
      lrm("qmigrate", vmid, (w) => migrateVm(deps, ROOT, w.node, vmid, target, { online: deps.runtime.isRunning(vmid), withLocalDisks: true }, w)),
    where: (vmid) => {
      const node = configs.nodeOf(vmid);
      return node ? { node, running: deps.runtime.isRunning(vmid) } : undefined;
    },
  });
}

/** Builds the qemu-server model. */
export function qemuModel(options: QemuModelOptions = {}): SimModel {
  return {
    name: "qemu",
    install(register, ctx) {
      const deps = qemuDeps(ctx, options);
      installReads(register, deps);
      installCreate(register, deps);
      installUpdate(register, deps);
      installPower(register, deps);
      installDestroy(register, deps);
      installClone(register, deps);
      installTemplate(register, deps);
      installResize(register, deps);
      installMoveDisk(register, deps);
      installMigrate(register, deps);
      installCloudinit(register, deps);
      installAgent(register, deps);
      installSnapshots(register, deps);
      announce(deps);
      registerQemuVzdump(ctx, deps);
    },
  };
}
