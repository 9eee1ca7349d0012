/**
 * Power operations (qemu-server `src/PVE/API2/Qemu.pm` `vm_start`, `vm_stop`, `vm_reset`,
 * `vm_shutdown`, `vm_reboot`, `vm_suspend`, `vm_resume`; `src/PVE/QemuServer.pm` `vm_start`,
 * `vm_start_nolock`, `_do_vm_stop`, `vm_stop`, `vm_stop_cleanup`, `vm_reboot`; `RunState.pm`).
 * Start applies `[PENDING]` and regenerates the cloud-init drive; every stop and shutdown applies
 * pending changes in its cleanup; a reboot stops the VM, and qmeventd starts it again in a new
 * `qmstart` task. HA-managed VMs get `hastart`/`hastop` tasks that only queue the request.
 */
import type { SimAuth, SimRequest } from "../../types";
import { pveDie } from "../config-text";
import { paramError } from "../param-error";
import { isHaManaged, queueHaRequest, sidOf } from "../guests/ha";
import { isRoot } from "../guests/permissions";
import { vdiskAlloc, type StorageEnv } from "../guests/storage-ops";
import { checkPrivs } from "../guests/permissions";
import { applyCloudinitConfig } from "./cloudinit";
import { checkLock, checkRunning, type QemuDeps } from "./deps";
import { applyPending } from "./hotplug";
import { isPaused } from "./status";
import { forkWorker, type Worker } from "../guests/worker";
import { lockConfig } from "./worker";

/** `vm_start`: under the config flock, refuses templates, locks and a running VM; applies pending, then starts QEMU. */
export async function startVm(deps: QemuDeps, auth: SimAuth, node: string, vmid: number, worker: Worker, options: { skiplock?: boolean; statefile?: string } = {}): Promise<void> {
  await lockConfig(deps.ctx, node, vmid, () => startVmHeld(deps, auth, node, vmid, worker, options));
}

/** `vm_start`'s body for a caller that holds the flock (a rollback starting from a snapshot's RAM passes `statefile`). */
export async function startVmHeld(deps: QemuDeps, auth: SimAuth, node: string, vmid: number, worker: Worker, options: { skiplock?: boolean; statefile?: string } = {}): Promise<void> {
  const conf = deps.configs.load(vmid, node);
  if (conf.main.template) throw pveDie("you can't start a vm if it's a template");
  const suspended = conf.main.lock === "suspended";
  const running = deps.runtime.isRunning(vmid);
  if (!(options.skiplock || suspended)) checkLock(conf);
  if (running) throw pveDie(`VM ${vmid} already running`);
  const env: StorageEnv = { ctx: deps.ctx, node };
  const resume = suspended || conf.main.vmstate !== undefined || options.statefile !== undefined;
  if (!resume && Object.keys(conf.pending).length) {
    await applyPending(env, auth, vmid, conf, worker.log);
    deps.configs.write(vmid, conf);
  }
  await applyCloudinitConfig(env, vmid, conf, worker.log);
  if (resume) {
    delete conf.main.lock;
    delete conf.main.vmstate;
  }
  deps.configs.write(vmid, conf);
  await worker.spend(1);
  deps.runtime.start(vmid, deps.ctx.now());
}

/** `_do_vm_stop` + `vm_stop_cleanup` (which applies pending changes): nothing to do for a stopped VM; the caller holds the flock. */
export async function doStop(deps: QemuDeps, auth: SimAuth, node: string, vmid: number, worker: Worker, options: { skiplock?: boolean; shutdown?: boolean }): Promise<void> {
  if (!checkRunning(deps, vmid, node)) return;
  const conf = deps.configs.load(vmid, node);
  if (!options.skiplock) checkLock(conf);
  await worker.spend(1);
  deps.runtime.stop(vmid);
  const errors = await applyPending({ ctx: deps.ctx, node }, auth, vmid, conf, worker.log);
  void errors; // vm_stop_cleanup runs with $noerr: failures only warn
  deps.configs.write(vmid, conf);
}

/** `vm_stop` (also the shutdown path), under the config flock. */
export async function stopVm(deps: QemuDeps, auth: SimAuth, node: string, vmid: number, worker: Worker, options: { skiplock?: boolean; shutdown?: boolean } = {}): Promise<void> {
  await lockConfig(deps.ctx, node, vmid, () => doStop(deps, auth, node, vmid, worker, options));
}

const ROOT_ONLY_START = ["stateuri", "skiplock", "migratedfrom", "migration_type", "migration_network", "targetstorage", "force-cpu", "with-conntrack-state", "nets-host-mtu"];

type Register = (method: "POST", template: string, handler: (req: SimRequest) => unknown) => void;

/** Registers `status/start|stop|reset|shutdown|reboot|suspend|resume`. */
export function installPower(register: Register, deps: QemuDeps): void {
  const { ctx } = deps;
  const target = (req: SimRequest): { node: string; vmid: number } => ({ node: String(req.params.node), vmid: Number(req.params.vmid) });
  const rootOnly = (req: SimRequest, names: readonly string[]): void => {
    for (const name of names) if (req.params[name] && !isRoot(req.auth)) throw paramError({ [name]: "Only root may use this option." });
  };
  const haTask = (req: SimRequest, node: string, vmid: number, type: string, line: string, request: Parameters<typeof queueHaRequest>[2]): string =>
    forkWorker(ctx, req.auth, { node, type, id: String(vmid) }, async (worker) => {
      worker.log(line);
      await queueHaRequest(ctx, sidOf("qemu", vmid), request, ctx.taskDurationMs({ node, type, id: String(vmid) }));
    });

  register("POST", "/nodes/{node}/qemu/{vmid}/status/start", (req) => {
    const { node, vmid } = target(req);
    rootOnly(req, ROOT_ONLY_START);
    if (req.params.targetstorage !== undefined && !req.params.migratedfrom) throw paramError({ targetstorage: "targetstorage can only by used with migratedfrom." });
    if (isHaManaged(ctx, "qemu", vmid) && !req.params.stateuri) {
      return haTask(req, node, vmid, "hastart", `Requesting HA start for VM ${vmid}`, { kind: "state", state: "started" });
    }
    return forkWorker(ctx, req.auth, { node, type: "qmstart", id: String(vmid) }, (worker) => startVm(deps, req.auth, node, vmid, worker, { skiplock: Boolean(req.params.skiplock) }));
  });

  register("POST", "/nodes/{node}/qemu/{vmid}/status/stop", (req) => {
    const { node, vmid } = target(req);
    rootOnly(req, ["skiplock", "keepActive", "migratedfrom"]);
    if (isHaManaged(ctx, "qemu", vmid) && req.params.migratedfrom === undefined) {
      if (req.params["overrule-shutdown"]) throw paramError({ "overrule-shutdown": "Not applicable for HA resources." });
      return haTask(req, node, vmid, "hastop", `Requesting HA stop for VM ${vmid}`, { kind: "stop", timeout: 0 });
    }
    return forkWorker(ctx, req.auth, { node, type: "qmstop", id: String(vmid) }, (worker) => stopVm(deps, req.auth, node, vmid, worker, { skiplock: Boolean(req.params.skiplock) }));
  });

  register("POST", "/nodes/{node}/qemu/{vmid}/status/reset", (req) => {
    const { node, vmid } = target(req);
    rootOnly(req, ["skiplock"]);
    if (!checkRunning(deps, vmid, node)) throw pveDie(`VM ${vmid} not running`);
    return forkWorker(ctx, req.auth, { node, type: "qmreset", id: String(vmid) }, (worker) =>
      lockConfig(ctx, node, vmid, async () => {
        const conf = deps.configs.load(vmid, node);
        if (!req.params.skiplock) checkLock(conf);
        await worker.spend(1);
      }),
    );
  });

  register("POST", "/nodes/{node}/qemu/{vmid}/status/shutdown", (req) => {
    const { node, vmid } = target(req);
    rootOnly(req, ["skiplock", "keepActive"]);
    let shutdown = true;
    if (checkRunning(deps, vmid, node) && isPaused(deps, vmid)) {
      if (!req.params.forceStop) throw pveDie("VM is paused - cannot shutdown");
      shutdown = false;
    }
    if (isHaManaged(ctx, "qemu", vmid)) {
      const timeout = typeof req.params.timeout === "number" ? req.params.timeout : 60;
      return haTask(req, node, vmid, "hastop", `Requesting HA stop for VM ${vmid}`, { kind: "stop", timeout });
    }
    return forkWorker(ctx, req.auth, { node, type: "qmshutdown", id: String(vmid) }, async (worker) => {
      if (!shutdown) worker.log("VM is paused - stop instead of shutdown");
      await stopVm(deps, req.auth, node, vmid, worker, { skiplock: Boolean(req.params.skiplock), shutdown });
    });
  });

  register("POST", "/nodes/{node}/qemu/{vmid}/status/reboot", (req) => {
    const { node, vmid } = target(req);
    if (checkRunning(deps, vmid, node) && isPaused(deps, vmid)) throw pveDie("VM is paused - cannot shutdown");
    if (!checkRunning(deps, vmid, node)) throw pveDie(`VM ${vmid} not running`);
    return forkWorker(ctx, req.auth, { node, type: "qmreboot", id: String(vmid) }, async (worker) => {
      let stopped = false;
      await lockConfig(ctx, node, vmid, async () => {
        if (!deps.runtime.isRunning(vmid)) return;
        await doStop(deps, req.auth, node, vmid, worker, { shutdown: true });
        stopped = true;
      });
      // qmeventd sees the reboot request and starts the VM again as root@pam.
      if (stopped) forkWorker(ctx, { userid: "root@pam", via: "ticket" }, { node, type: "qmstart", id: String(vmid) }, (w) => startVm(deps, req.auth, node, vmid, w));
    });
  });

  register("POST", "/nodes/{node}/qemu/{vmid}/status/suspend", (req) => {
    const { node, vmid } = target(req);
    rootOnly(req, ["skiplock"]);
    const todisk = Boolean(req.params.todisk);
    if (!checkRunning(deps, vmid, node)) throw pveDie(`VM ${vmid} not running`);
    if (todisk && isHaManaged(ctx, "qemu", vmid)) throw pveDie("Cannot suspend HA managed VM to disk");
    let statestorage = req.params.statestorage === undefined ? undefined : String(req.params.statestorage);
    if (todisk) {
      checkPrivs(ctx, req.auth, `/vms/${vmid}`, ["VM.Config.Disk"]);
      const conf = deps.configs.load(vmid, node);
      if (Object.keys(conf.main).some((k) => /^hostpci\d+/.test(k))) {
        throw pveDie("cannot suspend VM to disk due to passed-through PCI device(s), which lack the possibility to save/restore their internal state");
      }
      statestorage ??= String(conf.main.vmstatestorage ?? "local-lvm");
      checkPrivs(ctx, req.auth, `/storage/${statestorage}`, ["Datastore.AllocateSpace"]);
    }
    return forkWorker(ctx, req.auth, { node, type: todisk ? "qmsuspend" : "qmpause", id: String(vmid) }, (worker) =>
      lockConfig(ctx, node, vmid, async () => {
        const conf = deps.configs.load(vmid, node);
        if (!req.params.skiplock) checkLock(conf);
        await worker.spend(1);
        const proc = deps.runtime.process(vmid);
        if (!proc) throw pveDie(`VM ${vmid} not running`);
        if (!todisk) {
          proc.paused = true;
          return;
        }
        const volid = await vdiskAlloc({ ctx, node }, { storage: statestorage ?? "local-lvm", vmid, name: `vm-${vmid}-state-suspend-${new Date(ctx.now()).toISOString().slice(0, 10)}`, sizeKiB: 1024 * 1024 });
        conf.main.vmstate = volid;
        conf.main.lock = "suspended";
        deps.configs.write(vmid, conf);
        deps.runtime.stop(vmid);
      }),
    );
  });

  register("POST", "/nodes/{node}/qemu/{vmid}/status/resume", async (req) => {
    const { node, vmid } = target(req);
    rootOnly(req, ["skiplock", "nocheck"]);
    const suspended = await lockConfig(ctx, node, vmid, () => deps.configs.load(vmid, node).main.lock === "suspended").catch(() => false);
    if (!suspended && !(req.params.nocheck ? deps.runtime.isRunning(vmid) : checkRunning(deps, vmid, node))) throw pveDie(`VM ${vmid} not running`);
    return forkWorker(ctx, req.auth, { node, type: "qmresume", id: String(vmid) }, async (worker) => {
      if (suspended) return startVm(deps, req.auth, node, vmid, worker, { skiplock: Boolean(req.params.skiplock) });
      await lockConfig(ctx, node, vmid, async () => {
        const conf = deps.configs.load(vmid, node);
        if (!req.params.skiplock) checkLock(conf);
        await worker.spend(1);
        const proc = deps.runtime.process(vmid);
        if (proc) proc.paused = false;
      });
    });
  });
}
