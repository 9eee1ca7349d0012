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
import { parseVolumeId, storageConfig, vdiskAlloc, vdiskFree, type StorageEnv } from "../guests/storage-ops";
import { checkPrivs } from "../guests/permissions";
import type { ConfigSection } from "../guests/config";
import { currentMemoryMiB } from "./boot";
import { isDriveName } from "./confdesc";
import { driveIsCdrom, parseDrive } from "./drive";
import { applyCloudinitConfig } from "./cloudinit";
import { checkLock, checkRunning, type QemuDeps } from "./deps";
import { applyPending } from "./hotplug";
import { isPaused, RUNNING_MACHINE } from "./status";
import { forkWorker, type Worker } from "../guests/worker";
import { lockConfig } from "./worker";

/** `vm_start`: under the config flock, refuses templates, locks and a running VM; applies pending, then starts QEMU. */
export async function startVm(
  deps: QemuDeps,
  auth: SimAuth,
  node: string,
  vmid: number,
  worker: Worker,
  options: { skiplock?: boolean; statefile?: string } = {},
): Promise<void> {
  await lockConfig(deps.ctx, node, vmid, () => startVmHeld(deps, auth, node, vmid, worker, options));
}

/** `vm_start`'s body for a caller that holds the flock (a rollback starting from a snapshot's RAM passes `statefile`). */
export async function startVmHeld(
  deps: QemuDeps,
  auth: SimAuth,
  node: string,
  vmid: number,
  worker: Worker,
  options: { skiplock?: boolean; statefile?: string } = {},
): Promise<void> {
  const conf = deps.configs.load(vmid, node);
  if (conf.main.template) throw pveDie("you can't start a vm if it's a template");
  const suspended = conf.main.lock === "suspended";
  const running = deps.runtime.isRunning(vmid);
  if (!(options.skiplock || suspended)) checkLock(conf);
  if (running) throw pveDie(`VM ${vmid} already running`);
  const env: StorageEnv = { ctx: deps.ctx, node };
  const hibernated = suspended || conf.main.vmstate !== undefined;
  const resume = hibernated || options.statefile !== undefined;
  if (!resume && Object.keys(conf.pending).length) {
    await applyPending(env, auth, vmid, conf, worker.log);
    deps.configs.write(vmid, conf);
  }
  await applyCloudinitConfig(env, vmid, conf, worker.log);
  if (hibernated) worker.log("Resuming suspended VM");
  deps.configs.write(vmid, conf);
  await worker.spend(1);
  deps.runtime.start(vmid, deps.ctx.now());
  if (hibernated) {
    // `vm_start_nolock`: the state volume is freed once QEMU has loaded it
    worker.log("Resumed VM, removing state");
    if (conf.main.vmstate !== undefined) await vdiskFree(env, String(conf.main.vmstate));
    for (const key of VMSTATE_KEYS) delete conf.main[key];
    deps.configs.write(vmid, conf);
  }
}

/** What a hibernation leaves in the config and a resume removes again (with `vmstate`). */
const VMSTATE_KEYS = ["lock", "vmstate", "running-nets-host-mtu", "runningmachine", "runningcpu"];

/**
 * `find_vmstate_storage`: `vmstatestorage`, else a shared storage one of the VM's disks (not
 * CD-ROMs) is on, else such a local one (a path-based one preferred), else `local`.
 */
export function findVmstateStorage(env: StorageEnv, conf: Readonly<ConfigSection>): string {
  if (conf.vmstatestorage) return String(conf.vmstatestorage);
  const storages = new Set<string>();
  for (const [key, value] of Object.entries(conf)) {
    if (!isDriveName(key)) continue;
    const drive = parseDrive(key, String(value));
    if (!drive?.file || driveIsCdrom(drive)) continue;
    const storage = parseVolumeId(String(drive.file), true)?.[0];
    if (storage) storages.add(storage);
  }
  let shared: string | undefined;
  let local: string | undefined;
  for (const storage of [...storages].sort()) {
    const scfg = storageConfig(env.ctx, storage);
    if (scfg.shared) shared = shared === undefined || scfg.path !== undefined ? storage : shared;
    else local = local === undefined || scfg.path !== undefined ? storage : local;
  }
  return shared ?? local ?? "local";
}

/** Hibernation blockers (`check_non_migratable_resources` with state). */
function assertHibernatable(conf: Readonly<ConfigSection>): void {
  const blockers = [
    conf["amd-sev"] ? "amd-sev" : "",
    conf["intel-tdx"] ? "intel-tdx" : "",
    Object.keys(conf).some((k) => /^virtiofs\d+$/.test(k)) ? "virtiofs" : "",
  ].filter((b) => b);
  if (blockers.length) throw pveDie(`Cannot live-migrate, snapshot (with RAM), or hibernate a VM with: ${blockers.join(", ")}`);
}

/**
 * `RunState::vm_suspend`: a pause stops the CPUs; a hibernation allocates the state volume
 * (2 × memory + 500 MiB, `__snapshot_save_vmstate`) under `lock: suspending`, saves the state
 * outside the flock, then quits QEMU and sets `lock: suspended`.
 */
async function suspendVm(
  deps: QemuDeps,
  node: string,
  vmid: number,
  worker: Worker,
  options: { skiplock: boolean; todisk: boolean; statestorage: string | undefined },
): Promise<void> {
  const env: StorageEnv = { ctx: deps.ctx, node };
  const saved = await lockConfig(deps.ctx, node, vmid, async () => {
    const conf = deps.configs.load(vmid, node);
    const backingUp = conf.main.lock === "backup";
    if (!(options.skiplock || backingUp)) checkLock(conf);
    if (backingUp && options.todisk) throw pveDie("cannot suspend to disk during backup");
    if (options.todisk) assertHibernatable(conf.main);
    const proc = deps.runtime.process(vmid);
    if (!proc) throw pveDie(`VM ${vmid} not running`);
    if (!options.todisk) {
      await worker.spend(1);
      proc.paused = true;
      return false;
    }
    conf.main.lock = "suspending";
    const storage = options.statestorage ?? findVmstateStorage(env, conf.main);
    const date = new Date(deps.ctx.now()).toISOString().slice(0, 10);
    const sizeMiB = currentMemoryMiB(conf.main.memory) * 2 + 500;
    conf.main.vmstate = await vdiskAlloc(env, { storage, vmid, format: "raw", name: `vm-${vmid}-state-suspend-${date}`, sizeKiB: sizeMiB * 1024 });
    conf.main.runningmachine = RUNNING_MACHINE;
    deps.configs.write(vmid, conf);
    return true;
  });
  if (!saved) return;
  await worker.spend(1);
  worker.log("State saved, quitting");
  await lockConfig(deps.ctx, node, vmid, () => {
    const conf = deps.configs.load(vmid, node);
    if (conf.main.lock !== "suspending") throw pveDie("lock changed unexpectedly");
    deps.runtime.stop(vmid);
    conf.main.lock = "suspended";
    deps.configs.write(vmid, conf);
  });
}

/** `_do_vm_stop` + `vm_stop_cleanup` (which applies pending changes): nothing to do for a stopped VM; the caller holds the flock. */
export async function doStop(
  deps: QemuDeps,
  auth: SimAuth,
  node: string,
  vmid: number,
  worker: Worker,
  options: { skiplock?: boolean; shutdown?: boolean },
): Promise<void> {
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
export async function stopVm(
  deps: QemuDeps,
  auth: SimAuth,
  node: string,
  vmid: number,
  worker: Worker,
  options: { skiplock?: boolean; shutdown?: boolean } = {},
): Promise<void> {
  await lockConfig(deps.ctx, node, vmid, () => doStop(deps, auth, node, vmid, worker, options));
}

const ROOT_ONLY_START = [
  "stateuri",
  "skiplock",
  "migratedfrom",
  "migration_type",
  "migration_network",
  "targetstorage",
  "force-cpu",
  "with-conntrack-state",
  "nets-host-mtu",
];

/** Options the handlers refuse for anyone but root@pam (`Only root may use this option.`). */
function assertRootOnly(auth: SimAuth, params: Readonly<Record<string, unknown>>, names: readonly string[]): void {
  for (const name of names) if (params[name] && !isRoot(auth)) throw paramError({ [name]: "Only root may use this option." });
}

/** The `Requesting HA …` task of an HA-managed guest: it only queues the request for the manager. */
function haTask(deps: QemuDeps, auth: SimAuth, node: string, vmid: number, type: string, line: string, request: Parameters<typeof queueHaRequest>[2]): string {
  return forkWorker(deps.ctx, auth, { node, type, id: String(vmid) }, async (worker) => {
    worker.log(line);
    await queueHaRequest(deps.ctx, sidOf("qemu", vmid), request, deps.ctx.taskDurationMs({ node, type, id: String(vmid) }));
  });
}

/**
 * The `vm_start` API handler: root-only options, then a `hastart` task for an HA-managed VM or a
 * `qmstart` task; returns the UPID. `create_vm` calls it too, from inside its worker, which (not
 * being the CLI) forks a task of its own rather than starting the VM in the create task.
 */
export function requestStart(deps: QemuDeps, auth: SimAuth, node: string, vmid: number, params: Readonly<Record<string, unknown>> = {}): string {
  assertRootOnly(auth, params, ROOT_ONLY_START);
  if (params.targetstorage !== undefined && !params.migratedfrom) throw paramError({ targetstorage: "targetstorage can only by used with migratedfrom." });
  if (isHaManaged(deps.ctx, "qemu", vmid) && !params.stateuri) {
    return haTask(deps, auth, node, vmid, "hastart", `Requesting HA start for VM ${vmid}`, { kind: "state", state: "started" });
  }
  return forkWorker(deps.ctx, auth, { node, type: "qmstart", id: String(vmid) }, (worker) =>
    startVm(deps, auth, node, vmid, worker, { skiplock: Boolean(params.skiplock) }),
  );
}

type Register = (method: "POST", template: string, handler: (req: SimRequest) => unknown) => void;

/** Registers `status/start|stop|reset|shutdown|reboot|suspend|resume`. */
export function installPower(register: Register, deps: QemuDeps): void {
  const { ctx } = deps;
  const target = (req: SimRequest): { node: string; vmid: number } => ({ node: String(req.params.node), vmid: Number(req.params.vmid) });
  const rootOnly = (req: SimRequest, names: readonly string[]): void => assertRootOnly(req.auth, req.params, names);
  register("POST", "/nodes/{node}/qemu/{vmid}/status/start", (req) => {
    const { node, vmid } = target(req);
    return requestStart(deps, req.auth, node, vmid, req.params);
  });

  register("POST", "/nodes/{node}/qemu/{vmid}/status/stop", (req) => {
    const { node, vmid } = target(req);
    rootOnly(req, ["skiplock", "keepActive", "migratedfrom"]);
    if (isHaManaged(ctx, "qemu", vmid) && req.params.migratedfrom === undefined) {
      if (req.params["overrule-shutdown"]) throw paramError({ "overrule-shutdown": "Not applicable for HA resources." });
      return haTask(deps, req.auth, node, vmid, "hastop", `Requesting HA stop for VM ${vmid}`, { kind: "stop", timeout: 0 });
    }
    return forkWorker(ctx, req.auth, { node, type: "qmstop", id: String(vmid) }, (worker) =>
      stopVm(deps, req.auth, node, vmid, worker, { skiplock: Boolean(req.params.skiplock) }),
    );
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
    // `vm_is_paused` only warns when the config is not on this node: the task then fails instead
    // (and its "stop instead of shutdown" warning goes to the API daemon's log, not the task's)
    let shutdown = true;
    if (deps.configs.existsOn(vmid, node) && isPaused(deps, vmid)) {
      if (!req.params.forceStop) throw pveDie("VM is paused - cannot shutdown");
      shutdown = false;
    }
    if (isHaManaged(ctx, "qemu", vmid)) {
      const timeout = typeof req.params.timeout === "number" ? req.params.timeout : 60;
      return haTask(deps, req.auth, node, vmid, "hastop", `Requesting HA stop for VM ${vmid}`, { kind: "stop", timeout });
    }
    return forkWorker(ctx, req.auth, { node, type: "qmshutdown", id: String(vmid) }, (worker) =>
      stopVm(deps, req.auth, node, vmid, worker, { skiplock: Boolean(req.params.skiplock), shutdown }),
    );
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
      if (stopped)
        forkWorker(ctx, { userid: "root@pam", via: "ticket" }, { node, type: "qmstart", id: String(vmid) }, (w) => startVm(deps, req.auth, node, vmid, w));
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
      statestorage ??= findVmstateStorage({ ctx, node }, conf.main);
      checkPrivs(ctx, req.auth, `/storage/${statestorage}`, ["Datastore.AllocateSpace"]);
    }
    return forkWorker(ctx, req.auth, { node, type: todisk ? "qmsuspend" : "qmpause", id: String(vmid) }, (worker) =>
      suspendVm(deps, node, vmid, worker, { skiplock: Boolean(req.params.skiplock), todisk, statestorage }),
    );
  });

  register("POST", "/nodes/{node}/qemu/{vmid}/status/resume", async (req) => {
    const { node, vmid } = target(req);
    rootOnly(req, ["skiplock", "nocheck"]);
    const suspended = await lockConfig(ctx, node, vmid, () => deps.configs.load(vmid, node).main.lock === "suspended").catch(() => false);
    if (!suspended && !(req.params.nocheck ? deps.runtime.isRunning(vmid) : checkRunning(deps, vmid, node))) throw pveDie(`VM ${vmid} not running`);
    return forkWorker(ctx, req.auth, { node, type: "qmresume", id: String(vmid) }, async (worker) => {
      if (suspended) return startVm(deps, req.auth, node, vmid, worker, { skiplock: Boolean(req.params.skiplock) });
      // `RunState::vm_resume`: a VM that runs is done before the lock check, which a backup lock passes
      await lockConfig(ctx, node, vmid, async () => {
        const conf = deps.configs.load(vmid, node);
        if (conf.main.template) throw pveDie(`VM ${vmid} is a template and cannot be resumed!`);
        const proc = deps.runtime.process(vmid);
        if (proc && !proc.paused) return;
        if (!(req.params.skiplock || req.params.nocheck || conf.main.lock === "backup")) checkLock(conf);
        await worker.spend(1);
        if (proc) proc.paused = false;
      });
    });
  });
}
