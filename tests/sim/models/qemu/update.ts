/**
 * `PUT`/`POST /nodes/{node}/qemu/{vmid}/config` and `PUT .../unlink` (qemu-server
 * `src/PVE/API2/Qemu.pm` `$update_vm_api`, `update_vm`, `update_vm_async`, `unlink`): the
 * request checks before any lock (`delete`/`revert` conflicts, drive and NIC normalisation,
 * root-only keys, storage access, the early `$load_and_check_config` with `digest` and lock),
 * then under the config flock every change goes to `[PENDING]` (tags normalised, `cipassword`
 * hashed and written at once, new disks allocated, replaced pending disks parked as `unusedN`),
 * and is applied: hot-plugged on a running VM, all at once on a stopped one. PUT does it inside
 * the request; POST in a `qmconfig` worker, with `background_delay` waiting for it.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { SimAuth, SimRequest } from "../../types";
import { pveDie, splitList } from "../config-text";
import { paramError } from "../param-error";
import { addToPendingDelete, checkProtection, cleanupPending, removeFromPendingDelete, type ConfigValue, type GuestConf } from "../guests/config";
import { checkVmPerm, isRoot } from "../guests/permissions";
import { checkHookscript } from "../guests/params";
import { assertTagPermissions, uniqueTags } from "../guests/tags";
import { parsePropertyStringStrict } from "../property-string";
import type { StorageEnv } from "../guests/storage-ops";
import { assertIndexRanges, isDriveName, optionExists, typedValue } from "./confdesc";
import { checkLock, type QemuDeps } from "./deps";
import { checkDriveParams, createDisks, registerUnusedDrive, tryDeallocateDrive } from "./disks";
import { driveIsCdrom, driveIsCloudinit, parseDrive } from "./drive";
import { BOOT_FORMAT } from "./formats";
import { bootorder, currentMemoryMiB, printBootorder } from "./boot";
import { prepareParams } from "./params";
import { applyPending, hotplugPending } from "./hotplug";
import { assertClipboardConfig, assertMachine, checkAndPinMachine, windowsVersion } from "./machine";
import { parseNet, printNet } from "./net";
import { checkBridgeAccess, checkDirPerm, checkHostpciPerm, checkModifyConfigPerm, checkRngPerm, checkStorageAccess, checkUsbPerm } from "./permissions";
import { forkWorker, taskSucceeded, waitForTask } from "../guests/worker";
import { lockConfig } from "./worker";

/** Parameters of the config calls that are not config keys. */
const CONTROL = new Set(["node", "vmid", "digest", "background_delay", "skip_cloud_init", "import-working-storage", "skiplock", "delete", "revert", "force"]);

/** `encrypt_pw` (a `$5$` crypt-shaped hash; cloud-init only needs it hashed). */
function encryptPassword(password: string): string {
  const salt = randomBytes(6).toString("base64").replace(/\+/g, "X");
  return `$5$${salt}$${createHash("sha256")
    .update(salt + password)
    .digest("base64")
    .replace(/=+$/, "")}`;
}

/** The checks of `$check_drive_perms`: cloud-init, CD-ROM or disk privileges. */
function checkDrivePerms(deps: QemuDeps, auth: SimAuth, vmid: number, key: string, value: string): void {
  const drive = parseDrive(key, value, true);
  if (!drive) return;
  if (driveIsCloudinit(drive)) checkVmPerm(deps.ctx, auth, vmid, undefined, ["VM.Config.Cloudinit", "VM.Config.CDROM"]);
  else if (driveIsCdrom(drive, true)) checkVmPerm(deps.ctx, auth, vmid, undefined, ["VM.Config.CDROM"]);
  else checkVmPerm(deps.ctx, auth, vmid, undefined, ["VM.Config.Disk"]);
}

/** `prohibit_tpm_version_change`. */
function prohibitTpmVersionChange(old: string, next: string): void {
  const a = parseDrive("tpmstate0", old);
  const b = parseDrive("tpmstate0", next);
  if (!a || !b || a.file !== b.file) return;
  if (String(a.version ?? "v1.2") !== String(b.version ?? "v1.2")) throw pveDie("cannot change TPM state version after creation");
}

/** A validated update request, ready for `updatefn`. */
interface UpdatePlan {
  readonly node: string;
  readonly vmid: number;
  readonly auth: SimAuth;
  readonly set: Record<string, string | number>;
  readonly deletes: string[];
  readonly revert: Set<string>;
  readonly force: boolean;
  readonly skiplock: boolean;
  readonly digest?: string;
  readonly skipCloudInit: boolean;
  readonly logLine: string;
}

/** The checks `$update_vm_api` makes before locking; throws PVE's 400/500s. */
export function planUpdate(deps: QemuDeps, req: SimRequest): UpdatePlan {
  const p = req.params;
  const node = String(p.node);
  const vmid = Number(p.vmid);
  const auth = req.auth;
  assertIndexRanges(p);
  const set: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(p)) {
    if (!CONTROL.has(key) && (typeof value === "string" || typeof value === "number")) set[key] = value;
  }
  // `@paramarr` is built before `skiplock`, `delete`, `revert` and `force` are taken out.
  const logged: Record<string, unknown> = { ...set };
  for (const key of ["skiplock", "delete", "revert", "force"]) if (p[key] !== undefined) logged[key] = p[key];
  const logLine = Object.keys(logged)
    .sort()
    .map((key) => `-${key} ${key === "cipassword" ? "<hidden>" : String(logged[key])}`)
    .join(" ");
  const skiplock = Boolean(p.skiplock);
  if (skiplock && !isRoot(auth)) throw paramError({ skiplock: "Only root may use this option." });
  prepareParams(set);
  const deleteStr = p.delete === undefined ? "" : String(p.delete);
  const revertStr = p.revert === undefined ? "" : String(p.revert);
  if (!deleteStr && !revertStr && Object.keys(set).length === 0) throw pveDie("no options specified");
  const revert = new Set<string>();
  for (const key of splitList(revertStr)) {
    if (!optionExists(key)) throw paramError({ revert: `unknown option '${key}'` });
    if (set[key] !== undefined) throw paramError({ delete: `you can't use '-${key}' and -revert ${key}' at the same time` });
    revert.add(key);
  }
  const deletes: string[] = [];
  for (const raw of splitList(deleteStr)) {
    const key = raw === "cdrom" ? "ide2" : raw;
    if (set[key] !== undefined) throw paramError({ delete: `you can't use '-${key}' and -delete ${key}' at the same time` });
    if (revert.has(key)) throw paramError({ revert: `you can't use '-delete ${key}' and -revert ${key}' at the same time` });
    if (!optionExists(key)) throw paramError({ delete: `unknown option '${key}'` });
    deletes.push(key);
  }
  checkDriveParams(deps.ctx, set);
  for (const key of Object.keys(set)) {
    if (/^net\d+$/.test(key)) {
      const net = parseNet(deps.ctx, String(set[key]));
      if (net) set[key] = printNet(net);
    } else if (key === "vmgenid" && String(set[key]) === "1") {
      set[key] = randomUUID();
    } else if (key === "hookscript") {
      checkHookscriptParam(deps, String(set[key]));
    }
  }
  checkModifyConfigPerm(deps.ctx, auth, vmid, undefined, deletes);
  checkModifyConfigPerm(deps.ctx, auth, vmid, undefined, Object.keys(set));
  checkStorageAccess(deps.ctx, auth, vmid, set, undefined);
  checkBridgeAccess(deps.ctx, auth, set);
  const plan: UpdatePlan = {
    node,
    vmid,
    auth,
    set,
    deletes,
    revert,
    force: Boolean(p.force),
    skiplock,
    ...(typeof p.digest === "string" ? { digest: p.digest } : {}),
    skipCloudInit: Boolean(p.skip_cloud_init),
    logLine,
  };
  loadAndCheck(deps, plan, false);
  return plan;
}

/** `$check_hookscript`-as-parameter: `check_hookscript`'s refusal as a 400 on `hookscript`. */
function checkHookscriptParam(deps: QemuDeps, volid: string): void {
  try {
    checkHookscript(deps.ctx, volid);
  } catch (err) {
    throw paramError({ hookscript: err instanceof Error ? err.message : String(err) });
  }
}

/** `$load_and_check_config`: digest, lock, balloon; on the second pass also the reverts. */
function loadAndCheck(deps: QemuDeps, plan: UpdatePlan, updateDelete: boolean): GuestConf {
  const conf = deps.configs.load(plan.vmid, plan.node);
  if (plan.digest && plan.digest !== deps.configs.digest(plan.vmid)) throw pveDie("checksum mismatch (file change by other user?)");
  if (!plan.skiplock) checkLock(conf);
  for (const key of plan.revert) {
    if (conf.main[key] !== undefined) plan.set[key] = conf.main[key] as ConfigValue;
    else if (conf.pending[key] !== undefined && updateDelete) plan.deletes.push(key);
  }
  if (plan.set.memory !== undefined || plan.set.balloon !== undefined) {
    const memory = currentMemoryMiB(plan.set.memory ?? conf.pending.memory ?? conf.main.memory);
    const balloon = plan.set.balloon !== undefined ? Number(plan.set.balloon) : Number(conf.pending.balloon ?? conf.main.balloon ?? 0);
    if (balloon && balloon > memory) throw pveDie("balloon value too large (must be smaller than assigned memory)");
  }
  return conf;
}

/** `$updatefn`: writes `[PENDING]` and applies it; runs under the config flock. */
async function updatefn(deps: QemuDeps, plan: UpdatePlan, log: (line: string) => void): Promise<void> {
  const { ctx, configs } = deps;
  const { vmid, auth } = plan;
  const env: StorageEnv = { ctx, node: plan.node };
  let conf = loadAndCheck(deps, plan, true);
  log(`update VM ${vmid}: ${plan.logLine}`);
  const modified = new Set<string>();
  let order = bootorder(conf.main);
  const bootorderDeleted = plan.deletes.includes("bootorder");
  const write = (): void => configs.write(vmid, conf);

  for (const key of plan.deletes) {
    modified.add(key);
    conf = configs.load(vmid, plan.node);
    const value = conf.main[key] ?? conf.pending[key];
    if (value === undefined) {
      log(`cannot delete '${key}' - not set in current configuration!`);
      modified.delete(key);
      continue;
    }
    const isPendingValue = conf.pending[key] !== undefined;
    delete conf.pending[key];
    if (!bootorderDeleted && order.length && order.includes(key)) {
      order = order.filter((d) => d !== key);
      conf.pending.boot = printBootorder(order);
      modified.add("boot");
    }
    if (/^unused/.test(key)) {
      const drive = {
        file:
          String(value)
            .replace(/^(file|volume)=/, "")
            .split(",")[0] ?? "",
      };
      checkProtection(conf, `can't remove unused disk '${drive.file}'`);
      checkVmPerm(ctx, auth, vmid, undefined, ["VM.Config.Disk"]);
      if (await tryDeallocateDrive(env, auth, vmid, conf, key, drive, false)) {
        delete conf.main[key];
        write();
      }
    } else if (key === "vmstate") {
      checkProtection(conf, `can't remove vmstate '${String(value)}'`);
      if (await tryDeallocateDrive(env, auth, vmid, conf, key, { file: String(value) }, true)) {
        delete conf.main[key];
        write();
      }
    } else if (isDriveName(key)) {
      checkProtection(conf, `can't remove drive '${key}'`);
      checkDrivePerms(deps, auth, vmid, key, String(value));
      if (isPendingValue) {
        const drive = parseDrive(key, String(value));
        if (drive) await registerUnusedDrive(env, vmid, conf, drive);
      }
      addToPendingDelete(conf, key, plan.force);
      write();
    } else if (/^serial\d+$/.test(key)) {
      if (String(value) === "socket") checkVmPerm(ctx, auth, vmid, undefined, ["VM.Config.HWType"]);
      else if (!isRoot(auth)) throw pveDie(`only root can delete '${key}' config for real devices`);
      addToPendingDelete(conf, key, plan.force);
      write();
    } else if (key === "tags") {
      assertTagPermissions(ctx, auth, vmid, String(value), "");
      delete conf.main[key];
      write();
    } else {
      if (/^usb\d+$/.test(key)) checkUsbPerm(ctx, auth, vmid, undefined, key, String(value));
      else if (/^hostpci\d+$/.test(key)) checkHostpciPerm(ctx, auth, vmid, undefined, key, String(value));
      else if (/^rng\d+$/.test(key)) checkRngPerm(ctx, auth, vmid, undefined, String(value));
      else if (/^virtiofs\d$/.test(key)) checkDirPerm(ctx, auth, vmid, undefined, String(value));
      else if (/^net\d+$/.test(key) && conf.main[key] !== undefined) checkBridgeAccess(ctx, auth, { [key]: conf.main[key] });
      addToPendingDelete(conf, key, plan.force);
      write();
    }
  }

  for (const key of Object.keys(plan.set).sort()) {
    modified.add(key);
    conf = configs.load(vmid, plan.node);
    const value = plan.set[key] as string | number;
    if (conf.pending[key] !== undefined && String(conf.pending[key]) === String(value)) continue;
    if (isDriveName(key)) {
      const current = conf.main[key];
      if (current !== undefined) {
        checkDrivePerms(deps, auth, vmid, key, String(current));
        if (key === "tpmstate0") prohibitTpmVersionChange(String(current), String(value));
      }
      checkDrivePerms(deps, auth, vmid, key, String(value));
      if (conf.pending[key] !== undefined) {
        const previous = parseDrive(key, String(conf.pending[key]));
        if (previous) await registerUnusedDrive(env, vmid, conf, previous);
      }
      const { created } = await createDisks({ env, auth, vmid, conf, settings: { [key]: value }, isTemplate: Boolean(conf.main.template), log, allocMs: 0 });
      for (const [k, v] of Object.entries(created)) conf.pending[k] = v;
      if (order.length) {
        const drive = parseDrive(key, String(value), true);
        if (drive && driveIsCdrom(drive, true) && !order.includes(key)) {
          order.push(key);
          conf.pending.boot = printBootorder(order);
          modified.add("boot");
        }
      }
    } else if (/^serial\d+/.test(key)) {
      if ((conf.main[key] === undefined || conf.main[key] === "socket") && value === "socket") checkVmPerm(ctx, auth, vmid, undefined, ["VM.Config.HWType"]);
      else if (!isRoot(auth)) throw pveDie(`only root can modify '${key}' config for real devices`);
      conf.pending[key] = value;
    } else if (/^usb\d+/.test(key)) {
      if (conf.main[key] !== undefined) checkUsbPerm(ctx, auth, vmid, undefined, key, String(conf.main[key]));
      checkUsbPerm(ctx, auth, vmid, undefined, key, String(value));
      conf.pending[key] = value;
    } else if (/^hostpci\d+$/.test(key)) {
      if (conf.main[key] !== undefined) checkHostpciPerm(ctx, auth, vmid, undefined, key, String(conf.main[key]));
      checkHostpciPerm(ctx, auth, vmid, undefined, key, String(value));
      conf.pending[key] = value;
    } else if (/^rng\d+$/.test(key)) {
      if (conf.main[key] !== undefined) checkRngPerm(ctx, auth, vmid, undefined, String(conf.main[key]));
      checkRngPerm(ctx, auth, vmid, undefined, String(value));
      conf.pending[key] = value;
    } else if (/^virtiofs\d$/.test(key)) {
      if (conf.main[key] !== undefined) checkDirPerm(ctx, auth, vmid, undefined, String(conf.main[key]));
      checkDirPerm(ctx, auth, vmid, undefined, String(value));
      conf.pending[key] = value;
    } else if (key === "tags") {
      assertTagPermissions(ctx, auth, vmid, conf.main.tags === undefined ? undefined : String(conf.main.tags), String(value));
      conf.pending[key] = uniqueTags(ctx, String(value));
    } else if (/^net\d+$/.test(key)) {
      if (conf.main[key] !== undefined) checkBridgeAccess(ctx, auth, { [key]: conf.main[key] });
      conf.pending[key] = value;
    } else if (key === "vga") {
      assertClipboardConfig(value);
      conf.pending[key] = value;
    } else if (key === "machine") {
      assertMachine(value);
      conf.pending[key] = value;
    } else if (key === "ostype") {
      // pin a Windows guest's machine version, unless the request sets or deletes machine itself
      if (plan.set.machine === undefined && conf.pending.machine === undefined && !modified.has("machine")) {
        try {
          const machine = checkAndPinMachine(conf.main.machine, value, conf.main.arch, log);
          if (machine !== undefined) conf.pending.machine = machine;
        } catch (err) {
          log(`automatic pinning of machine version failed - ${err instanceof Error ? err.message.replace(/\n$/, "") : String(err)}`);
        }
      }
      conf.pending[key] = value;
    } else if (key === "cipassword") {
      const text = String(value);
      conf.main.cipassword = windowsVersion(conf.main.ostype) || /^\$(?:[156]|2[ay])(\$.+){2}/.test(text) ? text : encryptPassword(text);
    } else {
      conf.pending[key] = typedValue(key, value);
      if (key === "boot") {
        const devices = splitList(String(parsePropertyStringStrict(String(value), BOOT_FORMAT).order ?? ""));
        if (devices.length) {
          for (const dev of devices) {
            const exists = conf.main[dev] ?? conf.pending[dev] ?? plan.set[dev];
            if (exists === undefined || plan.deletes.includes(dev)) throw pveDie(`invalid bootorder: device '${dev}' does not exist'`);
          }
          conf.pending.boot = printBootorder(devices);
          if (conf.main.bootdisk !== undefined) addToPendingDelete(conf, "bootdisk", false);
        }
      }
    }
    if (typeof conf.pending[key] === "string" || typeof conf.pending[key] === "number") conf.pending[key] = typedValue(key, conf.pending[key] as ConfigValue);
    removeFromPendingDelete(conf, key);
    write();
  }

  conf = configs.load(vmid, plan.node);
  if (cleanupPending(conf)) write();
  if (Object.keys(conf.pending).length === 0) return;
  conf = configs.load(vmid, plan.node);
  const errors = deps.runtime.isRunning(vmid)
    ? await hotplugPending(env, auth, vmid, conf, modified, write)
    : await applyPending(env, auth, vmid, conf, log, plan.skipCloudInit);
  write();
  if (Object.keys(errors).length) throw paramError(errors);
}

/** A config update made by another handler (`move_disk`'s reassign calls `$update_vm_api` itself). */
export function planUpdateFor(deps: QemuDeps, auth: SimAuth, node: string, vmid: number, set: Record<string, string>, digest?: string): UpdatePlan {
  const template = "/nodes/{node}/qemu/{vmid}/config";
  return planUpdate(deps, {
    method: "PUT",
    template,
    path: `/nodes/${node}/qemu/${vmid}/config`,
    params: { node, vmid, ...set, ...(digest ? { digest } : {}) },
    auth,
  });
}

/** Runs `$updatefn` for a plan; the caller already holds the VM's config flock. */
export function runUpdate(deps: QemuDeps, plan: UpdatePlan, log: (line: string) => void): Promise<void> {
  return updatefn(deps, plan, log);
}

/** Registers the config write calls and `unlink`. */
export function installUpdate(register: (method: "PUT" | "POST", template: string, handler: (req: SimRequest) => unknown) => void, deps: QemuDeps): void {
  const syncUpdate = async (req: SimRequest): Promise<null> => {
    const plan = planUpdate(deps, req);
    await lockConfig(deps.ctx, plan.node, plan.vmid, () => updatefn(deps, plan, () => undefined));
    return null;
  };

  register("PUT", "/nodes/{node}/qemu/{vmid}/config", syncUpdate);

  register("POST", "/nodes/{node}/qemu/{vmid}/config", async (req) => {
    const plan = planUpdate(deps, req);
    const upid = forkWorker(deps.ctx, req.auth, { node: plan.node, type: "qmconfig", id: String(plan.vmid) }, (worker) =>
      lockConfig(deps.ctx, plan.node, plan.vmid, async () => {
        await worker.spend(1);
        await updatefn(deps, plan, worker.log);
      }),
    );
    const delay = req.params.background_delay;
    if (typeof delay !== "number") return upid;
    const status = await waitForTask(deps.ctx, upid, delay * 1000);
    if (status === undefined) return upid;
    if (taskSucceeded(status)) return null;
    throw pveDie(`failed to update VM ${plan.vmid}: ${status}`);
  });

  register("PUT", "/nodes/{node}/qemu/{vmid}/unlink", (req) => {
    const { idlist, ...rest } = req.params;
    return syncUpdate({ ...req, params: { ...rest, delete: idlist } });
  });
}
