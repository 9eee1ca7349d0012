/**
 * `POST /nodes/{node}/lxc` (pve-container `src/PVE/API2/LXC.pm` `create_vm`;
 * pve-guest-common `AbstractConfig::create_and_lock_config`): creates a container from an OS
 * template (`ostemplate`, a `vztmpl` volume) or restores one from a vzdump archive
 * (`restore=1`, `ostemplate` a `backup` volume; `force` over an existing container of this node).
 * Before the worker: privileges (`VM.Allocate` on the id or pool, or `VM.Backup` for a forced
 * restore; `Sys.Modify` on `/` for a privileged container, `Sys.Console` for `ha-managed`), the
 * id (`CT <id> already exists on node '<node>'`), the SSH keys, per-key permissions, the
 * template's access and content type, each storage's `rootdir` content and
 * `Datastore.AllocateSpace` (the default storage is `local`), the non-volume settings applied to
 * a fresh config (MACs generated), and `lock: create` written by `create_and_lock_config`. The
 * `vzcreate`/`vzrestore` worker allocates the volumes (4 GiB rootfs by default), unpacks the
 * template or archive, detects the OS, fills `hostname`/`memory`/`swap`, merges a restored
 * config, converts a restored template back, adds the container to its pool, then starts it
 * and registers it with HA when asked. Any failure frees the new volumes and, unless an existing
 * container was left untouched, the config. `password` and `ssh-public-keys` are used inside
 * the container and never stored.
 */
import type { SimAuth, SimRequest } from "../../types";
import { permissionDenied } from "../../core/permissions";
import { pveDie } from "../config-text";
import { paramError } from "../param-error";
import { addVmToPool } from "../guests/access";
import { emptyConf, checkProtection, type ConfigSection, type GuestConf } from "../guests/config";
import { addHaResource, sidOf } from "../guests/ha";
import { clampCpuShares, validateSshPublicKeys } from "../guests/params";
import { checkPoolExists, checkPrivs, hasPriv, isRoot } from "../guests/permissions";
import { contentOf, parseVolumeId, storageCheckEnabled, type StorageEnv } from "../guests/storage-ops";
import { checkVolumeAccess } from "../guests/volume-access";
import { vmlistOf } from "../guests/vmlist";
import { forkWorker, type Worker } from "../guests/worker";
import { assertIndexRanges } from "./confdesc";
import { checkLock, lockConfig, type LxcDeps } from "./deps";
import { createDisks, destroyDisks, destroyLxcContainer } from "./disks";
import { printMountpoint, volumesOf } from "./mountpoint";
import { unpackTemplate } from "./ostemplate";
import { updatePctConfig } from "./pending";
import { checkBridgeAccess, checkCtModifyConfigPerm } from "./permissions";
import { startCt } from "./power";
import { recoverConfig, sanitizeAndMergeConfig } from "./restore";
import { templateCreate } from "./template";

/** Parameters of create that are not config keys (`extract_param` in `create_vm`). */
const EXTRACTED = [
  "node",
  "vmid",
  "ignore-unpack-errors",
  "bwlimit",
  "start",
  "ha-managed",
  "unprivileged",
  "restore",
  "unique",
  "force",
  "password",
  "ssh-public-keys",
  "pool",
  "ostemplate",
  "storage",
];

const GiB = 1024 ** 3;

/** The request, as the worker needs it. */
interface CreatePlan {
  readonly node: string;
  readonly vmid: number;
  readonly auth: SimAuth;
  readonly restore: boolean;
  readonly unique: boolean;
  readonly force: boolean;
  readonly archive: string;
  readonly storage: string;
  readonly pool?: string;
  readonly unprivileged?: number;
  readonly sameExists: boolean;
  readonly start: boolean;
  readonly haManaged: boolean;
  readonly storageOnly: boolean;
  mpParam: Record<string, string>;
  readonly conf: ConfigSection;
}

type Register = (method: "POST", template: string, handler: (req: SimRequest) => unknown) => void;

/** Registers `create_vm`. */
export function installCreate(register: Register, deps: LxcDeps): void {
  const { ctx, configs } = deps;
  register("POST", "/nodes/{node}/lxc", async (req) => {
    const p = req.params;
    const auth = req.auth;
    const node = String(p.node);
    const vmid = Number(p.vmid);
    assertIndexRanges(p);
    const sameExists = configs.existsOn(vmid, node);
    let unprivileged = p.unprivileged === undefined ? undefined : Number(p.unprivileged);
    const restore = Boolean(p.restore);
    const param: Record<string, string | number> = {};
    for (const [key, value] of Object.entries(p)) if (!EXTRACTED.includes(key) && (typeof value === "string" || typeof value === "number")) param[key] = value;
    if (param.cpuunits !== undefined) param.cpuunits = clampCpuShares(Number(param.cpuunits));
    if (!restore) {
      unprivileged ??= 1;
      if (!unprivileged) checkPrivs(ctx, auth, "/", ["Sys.Modify"]);
    }
    if (p["ha-managed"]) checkPrivs(ctx, auth, "/", ["Sys.Console"]);
    const force = Boolean(p.force);
    if (!(sameExists && restore && force)) {
      vmlistOf(ctx).assertUnused(vmid);
    } else {
      if (deps.runtime.isRunning(vmid, node)) throw pveDie("can't overwrite running container");
      checkProtection(configs.load(vmid, node), `unable to restore CT ${vmid}`);
    }
    if (typeof p["ssh-public-keys"] === "string") validateSshPublicKeys(p["ssh-public-keys"]);
    const pool = p.pool === undefined ? undefined : String(p.pool);
    if (pool !== undefined) checkPoolExists(ctx, pool);
    if (hasPriv(ctx, auth, `/vms/${vmid}`, "VM.Allocate") || (pool && hasPriv(ctx, auth, `/pool/${pool}`, "VM.Allocate"))) {
      // OK
    } else if (restore && force && sameExists && hasPriv(ctx, auth, `/vms/${vmid}`, "VM.Backup")) {
      const old = configs.load(vmid, node);
      if (old.main.unprivileged && unprivileged !== undefined && !unprivileged) checkPrivs(ctx, auth, "/", ["Sys.Modify"]);
    } else {
      throw permissionDenied();
    }
    const archive = String(p.ostemplate);
    const storage = p.storage === undefined ? "local" : String(p.storage);
    checkCtModifyConfigPerm(ctx, auth, { vmid, ...(pool !== undefined ? { pool } : {}), newconf: param, deletes: [], unprivileged: Boolean(unprivileged) });
    if (archive === "-") throw pveDie("pipe requires cli environment");
    checkVolumeAccess(ctx, auth, vmid, archive, restore ? "backup" : "vztmpl");

    const checkStorage = (sid: string): void => {
      const scfg = storageCheckEnabled(ctx, sid, node);
      if (!contentOf(scfg).has("rootdir")) throw paramError({ storage: `storage '${sid}' does not support container directories` });
      checkPrivs(ctx, auth, `/storage/${sid}`, ["Datastore.AllocateSpace"]);
    };
    const mpParam: Record<string, string> = {};
    const noDisk: Record<string, string | number> = {};
    let storageOnly = true;
    for (const [key, value] of Object.entries(param)) {
      if (key === "rootfs" || /^mp\d+$/.test(key)) {
        mpParam[key] = /^\d+(\.\d+)?$/.test(String(value)) ? `${storage}:${value}` : String(value);
        storageOnly = false;
      } else if (!/^unused\d+$/.test(key)) {
        noDisk[key] = value;
      }
    }
    if (!storageOnly && mpParam.rootfs === undefined) throw pveDie("mount points configured, but 'rootfs' not set - aborting");
    for (const { mp } of volumesOf(mpParam)) {
      if (mp.type !== "volume") {
        if (!isRoot(auth)) throw pveDie("Only root can pass arbitrary filesystem paths.");
      } else {
        checkStorage(parseVolumeId(mp.volume)[0]);
      }
    }
    if (mpParam.rootfs === undefined) checkStorage(storage);

    const conf = emptyConf();
    await updatePctConfig({ env: { ctx, node }, vmid, conf, running: false, set: noDisk, devices: deps.devices, log: () => undefined });
    if (unprivileged) conf.main.unprivileged = 1;
    const emsg = `unable to ${restore ? "restore" : "create"} CT ${vmid} -`;
    try {
      await lockConfig(ctx, node, vmid, () => createAndLockConfig(deps, node, vmid, force), { timeoutMs: 5000 });
    } catch (err) {
      throw pveDie(`${emsg} ${err instanceof Error ? err.message.replace(/\n$/, "") : String(err)}`);
    }
    const plan: CreatePlan = {
      node,
      vmid,
      auth,
      restore,
      unique: Boolean(p.unique),
      force,
      archive,
      storage,
      sameExists,
      storageOnly,
      mpParam,
      conf: conf.main,
      ...(pool !== undefined ? { pool } : {}),
      ...(unprivileged !== undefined ? { unprivileged } : {}),
      start: Boolean(p.start),
      haManaged: Boolean(p["ha-managed"]),
    };
    return forkWorker(ctx, auth, { node, type: restore ? "vzrestore" : "vzcreate", id: String(vmid) }, (worker) => runCreate(deps, plan, emsg, worker));
  });
}

/** `create_and_lock_config($vmid, $force)`: `lock: create` on a fresh (or, forced, the existing) config. */
function createAndLockConfig(deps: LxcDeps, node: string, vmid: number, force: boolean): void {
  const { configs } = deps;
  if (!force) vmlistOf(deps.ctx).assertUnused(vmid);
  const existing = configs.existsOn(vmid, node) ? configs.load(vmid, node) : undefined;
  if (existing) {
    checkLock(existing);
    existing.main.lock = "create";
    configs.write(vmid, existing);
  } else {
    configs.create(vmid, node, emptyConf({ lock: "create" }), configs.existsRefusal(vmid, node));
  }
}

/** The worker: `$code` under the config flock, then start and HA. */
async function runCreate(deps: LxcDeps, plan: CreatePlan, emsg: string, worker: Worker): Promise<void> {
  const { ctx, configs } = deps;
  const { node, vmid } = plan;
  let destroyOnError = !plan.sameExists;
  try {
    await lockConfig(ctx, node, vmid, () => createInLock(deps, plan, emsg, worker, () => (destroyOnError = true)));
  } catch (err) {
    if (!destroyOnError && configs.existsOn(vmid, node)) {
      const conf = configs.load(vmid, node);
      if (conf.main.lock === "create") {
        delete conf.main.lock;
        configs.write(vmid, conf);
      }
    } else if (destroyOnError) {
      configs.remove(vmid);
    }
    throw err;
  }
  if (plan.start) forkWorker(ctx, plan.auth, { node, type: "vzstart", id: String(vmid) }, (w) => startCt(deps, node, vmid, w));
  if (plan.haManaged) {
    worker.log("Add as HA resource");
    await addHaResource(
      ctx,
      sidOf("lxc", vmid),
      { type: "ct", state: plan.start ? "started" : "stopped" },
      ctx.taskDurationMs({ node, type: "hastart", id: String(vmid) }),
    ).catch((err: unknown) => worker.log(err instanceof Error ? err.message.replace(/\n$/, "") : String(err)));
  }
}

/** `$code`: everything between `lock: create` and the finished config. */
async function createInLock(deps: LxcDeps, plan: CreatePlan, emsg: string, worker: Worker, modifying: () => void): Promise<void> {
  const { ctx, configs } = deps;
  const { node, vmid, auth } = plan;
  const env: StorageEnv = { ctx, node };
  const oldConf = configs.load(vmid, node);
  const conf: GuestConf = emptyConf({ ...plan.conf });
  let vollist: string[] = [];
  let wasTemplate = false;
  const delayed: Record<string, string> = {};
  try {
    let origMp: Record<string, string> | undefined;
    let orig: ConfigSection | undefined;
    if (plan.restore) {
      if (deps.runtime.isRunning(vmid, node)) throw pveDie("can't overwrite running container");
      worker.log(`recovering backed-up configuration from '${plan.archive}'`);
      const recovered = recoverConfig(env, plan.archive);
      orig = recovered.conf;
      origMp = recovered.mpParam;
      for (const key of Object.keys(orig)) if (/^net\d+$/.test(key) && plan.conf[key] === undefined) checkBridgeAccess(ctx, auth, orig[key] as string);
      wasTemplate = Number(orig.template) === 1;
      delete orig.template;
      if (plan.unprivileged === undefined && orig.unprivileged !== undefined) conf.main.unprivileged = orig.unprivileged;
      if ((!plan.sameExists || oldConf.main.unprivileged) && !conf.main.unprivileged) checkPrivs(ctx, auth, "/", ["Sys.Modify"]);
    }
    if (plan.storageOnly) {
      if (plan.restore) {
        plan.mpParam = { ...(origMp ?? {}) };
        if (plan.mpParam.rootfs === undefined) throw pveDie("rootfs configuration could not be recovered, please check and specify manually!");
        for (const { key, mp } of volumesOf(plan.mpParam)) {
          if (mp.type === "volume") {
            if (mp.size === undefined) throw pveDie(`unable to detect disk size - please specify ${key} (size)`);
            const disksize = Number(mp.size) / GiB;
            delete mp.size;
            mp.volume = `${plan.storage}:${disksize}`;
            plan.mpParam[key] = printMountpoint(key, mp);
          } else {
            if (key === "rootfs") throw pveDie(`restoring rootfs to ${mp.type} mount is only possible by specifying -rootfs manually!`);
            if (!isRoot(auth)) throw pveDie(`restoring '${key}' to ${mp.type} mount is only possible for root`);
            delete plan.mpParam[key];
            delayed[key] = printMountpoint(key, mp);
          }
        }
      } else {
        plan.mpParam = { rootfs: `${plan.storage}:4` };
      }
    }
    modifying();
    const disks = volumesOf(plan.mpParam).filter(({ mp }) => mp.type === "volume").length;
    vollist = await createDisks(env, vmid, plan.mpParam, conf, false, disks ? worker.durationMs / (2 * disks) : 0);
    if (Object.keys(oldConf.main).length > 1) await destroyLxcContainer(env, vmid, oldConf, worker.log, false, () => undefined);
    await worker.spend(disks ? 0.5 : 1);
    if (plan.restore) {
      worker.log(`restoring '${plan.archive}' now..`);
      worker.log("merging backed-up and given configuration..");
      sanitizeAndMergeConfig(env, auth, conf.main, orig ?? {}, !isRoot(auth), plan.unique, worker.log);
    } else {
      unpackTemplate(env, plan.archive, conf.main, worker.log);
      configs.write(vmid, conf);
    }
    conf.main.hostname ||= `CT${vmid}`;
    conf.main.memory ||= 512;
    conf.main.swap ??= 512;
    Object.assign(conf.main, delayed);
    if (wasTemplate) {
      worker.log("Convert restored container to template...");
      await templateCreate(env, conf);
      conf.main.template = 1;
    }
    configs.write(vmid, conf);
  } catch (err) {
    await destroyDisks(env, vollist);
    throw pveDie(`${emsg} ${err instanceof Error ? err.message.replace(/\n$/, "") : String(err)}`);
  }
  if (plan.pool !== undefined) await addVmToPool(ctx, vmid, plan.pool);
}
