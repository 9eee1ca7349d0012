/**
 * Power operations (pve-container `src/PVE/API2/LXC/Status.pm` `vm_start`, `vm_stop`,
 * `vm_shutdown`, `vm_reboot`; `src/PVE/LXC.pm` `vm_start`, `vm_stop`, `vm_reboot`): refusals
 * before the worker (`CT <id> already running`, `CT <id> not running`, `skiplock` root-only), an
 * HA-managed container's `hastart`/`hastop` only queue the request; `vzstart` refuses templates
 * and locks (a `mounted` lock excepted), applies `[pve:pending]` and starts; `vzstop` kills,
 * `vzshutdown` shuts down (neither applies pending); `vzreboot` stops and starts again inside one
 * task, which applies pending.
 */
import type { SimAuth, SimRequest } from "../../types";
import { pveDie } from "../config-text";
import { paramError } from "../param-error";
import { hasLock } from "../guests/config";
import { isHaManaged, queueHaRequest, sidOf, type HaRequest } from "../guests/ha";
import { isRoot } from "../guests/permissions";
import { forkWorker, type Worker } from "../guests/worker";
import { checkLock, lockConfig, type LxcDeps } from "./deps";
import { volumesOf } from "./mountpoint";
import { applyPending } from "./pending";

/** `PVE::LXC::vm_start`'s body, for a caller holding the flock: applies pending changes, then starts. */
export async function startHeld(deps: LxcDeps, node: string, vmid: number, worker: Worker): Promise<void> {
  const conf = deps.configs.load(vmid, node);
  if (Object.keys(conf.pending).length) {
    await applyPending({ env: { ctx: deps.ctx, node }, vmid, conf, running: false, set: {}, devices: deps.devices, log: worker.log });
    deps.configs.write(vmid, conf);
  }
  await worker.spend(1);
  deps.runtime.start(vmid, node, deps.ctx.now());
}

/** The `vzstart` worker: checks under the flock, then `vm_start`. */
export async function startCt(deps: LxcDeps, node: string, vmid: number, worker: Worker, options: { skiplock?: boolean } = {}): Promise<void> {
  await lockConfig(deps.ctx, node, vmid, async () => {
    const conf = deps.configs.load(vmid, node);
    if (Number(conf.main.template) === 1) throw pveDie("you can't start a CT if it's a template");
    if (!options.skiplock && !hasLock(conf.main, "mounted")) checkLock(conf);
    if (conf.main.unprivileged && volumesOf(conf.main).some(({ mp }) => Number(mp.quota ?? 0) === 1))
      throw pveDie("Quotas are not supported by unprivileged containers.");
    if (deps.runtime.isRunning(vmid)) return; // `systemctl start` of an active unit does nothing
    await startHeld(deps, node, vmid, worker);
  });
}

/** `PVE::LXC::vm_stop` (kill or shutdown): nothing to do for a stopped container. */
export async function stopHeld(deps: LxcDeps, vmid: number, worker: Worker): Promise<void> {
  if (!deps.runtime.isRunning(vmid)) return;
  await worker.spend(1);
  deps.runtime.stop(vmid);
}

/** The `vzstop`/`vzshutdown` worker. */
export async function stopCt(
  deps: LxcDeps,
  node: string,
  vmid: number,
  worker: Worker,
  options: { skiplock?: boolean; shutdown?: boolean } = {},
): Promise<void> {
  await lockConfig(deps.ctx, node, vmid, async () => {
    const conf = deps.configs.load(vmid, node);
    if (options.shutdown) checkLock(conf);
    else if (!options.skiplock && !hasLock(conf.main, "mounted")) checkLock(conf);
    await stopHeld(deps, vmid, worker);
  });
}

type Register = (method: "POST", template: string, handler: (req: SimRequest) => unknown) => void;

/** Registers `status/start|stop|shutdown|reboot`. */
export function installPower(register: Register, deps: LxcDeps): void {
  const { ctx } = deps;
  const target = (req: SimRequest): { node: string; vmid: number } => ({ node: String(req.params.node), vmid: Number(req.params.vmid) });
  const skiplock = (req: SimRequest): boolean => {
    if (req.params.skiplock && !isRoot(req.auth)) throw paramError({ skiplock: "Only root may use this option." });
    return Boolean(req.params.skiplock);
  };
  const haTask = (auth: SimAuth, node: string, vmid: number, type: string, line: string, request: HaRequest): string =>
    forkWorker(ctx, auth, { node, type, id: String(vmid) }, async (worker) => {
      worker.log(line);
      await queueHaRequest(ctx, sidOf("lxc", vmid), request, ctx.taskDurationMs({ node, type, id: String(vmid) }));
    });
  const running = (node: string, vmid: number): boolean => deps.runtime.isRunning(vmid, node);

  register("POST", "/nodes/{node}/lxc/{vmid}/status/start", (req) => {
    const { node, vmid } = target(req);
    const skip = skiplock(req);
    if (running(node, vmid)) throw pveDie(`CT ${vmid} already running`);
    if (isHaManaged(ctx, "lxc", vmid))
      return haTask(req.auth, node, vmid, "hastart", `Requesting HA start for CT ${vmid}`, { kind: "state", state: "started" });
    return forkWorker(ctx, req.auth, { node, type: "vzstart", id: String(vmid) }, (worker) => startCt(deps, node, vmid, worker, { skiplock: skip }));
  });

  register("POST", "/nodes/{node}/lxc/{vmid}/status/stop", (req) => {
    const { node, vmid } = target(req);
    const skip = skiplock(req);
    if (!running(node, vmid)) throw pveDie(`CT ${vmid} not running`);
    if (isHaManaged(ctx, "lxc", vmid)) {
      if (req.params["overrule-shutdown"]) throw paramError({ "overrule-shutdown": "Not applicable for HA resources." });
      return haTask(req.auth, node, vmid, "hastop", `Requesting HA stop for CT ${vmid}`, { kind: "stop", timeout: 0 });
    }
    return forkWorker(ctx, req.auth, { node, type: "vzstop", id: String(vmid) }, (worker) => stopCt(deps, node, vmid, worker, { skiplock: skip }));
  });

  register("POST", "/nodes/{node}/lxc/{vmid}/status/shutdown", (req) => {
    const { node, vmid } = target(req);
    if (!running(node, vmid)) throw pveDie(`CT ${vmid} not running`);
    const timeout = typeof req.params.timeout === "number" ? req.params.timeout : 60;
    if (isHaManaged(ctx, "lxc", vmid)) return haTask(req.auth, node, vmid, "hastop", `Requesting HA stop for CT ${vmid}`, { kind: "stop", timeout });
    return forkWorker(ctx, req.auth, { node, type: "vzshutdown", id: String(vmid) }, (worker) => stopCt(deps, node, vmid, worker, { shutdown: true }));
  });

  register("POST", "/nodes/{node}/lxc/{vmid}/status/reboot", (req) => {
    const { node, vmid } = target(req);
    if (!running(node, vmid)) throw pveDie(`VM ${vmid} not running`);
    return forkWorker(ctx, req.auth, { node, type: "vzreboot", id: String(vmid) }, (worker) =>
      lockConfig(ctx, node, vmid, async () => {
        if (!deps.runtime.isRunning(vmid)) return;
        await stopHeld(deps, vmid, worker);
        await startHeld(deps, node, vmid, worker);
      }),
    );
  });
}
