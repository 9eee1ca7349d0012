/**
 * `POST /nodes/{node}/qemu/{vmid}/clone` (qemu-server `src/PVE/API2/Qemu.pm` `clone_vm`,
 * `$check_storage_access_clone`). `$load_and_check` runs before the worker and again inside it:
 * the pool, the target node and storage (enabled, `images`, shared when cloning to another node),
 * the source's lock and snapshot, `full` (default: not for templates; `storage`/`format` only
 * for full clones), each disk's `copy` or `clone` feature, and `unable to create VM <newid>:
 * config file already exists` when the id is taken on this node. The `qmclone` worker locks the
 * source (shared while stopped, exclusive while running) and then the new id, each with a 1 s
 * timeout, and only then writes `lock: clone` for the new VM, which pmxcfs refuses when another
 * node has that id (a task error). Disks are cloned one after the other; a failure frees what was
 * made and removes the new config (`clone failed: ...`).
 */
import { randomUUID } from "node:crypto";
import { sleep } from "../../core/clock";
import type { SimAuth, SimRequest } from "../../types";
import { pveDie } from "../config-text";
import { paramError } from "../param-error";
import { addVmToPool } from "../guests/access";
import { emptyConf, type ConfigSection, type GuestConf } from "../guests/config";
import { checkPoolExists, checkPrivs } from "../guests/permissions";
import { contentOf, parseVolumeId, storageCheckEnabled, storageConfig, vdiskFree, type StorageEnv } from "../guests/storage-ops";
import { volumeHasFeature } from "../guests/storage-features";
import { parsePropertyStringStrict, printPropertyString } from "../property-string";
import { isDriveName } from "./confdesc";
import { cloneDisk } from "./clone-disk";
import { checkLock, checkRunning, type QemuDeps } from "./deps";
import { driveIsCdrom, driveIsCloudinit, parseDrive, printDrive, type Drive } from "./drive";
import { parseNet, printNet } from "./net";
import { randomDatacenterMac } from "../guests/params";
import { checkBridgeAccess } from "./permissions";
import { forkWorker } from "../guests/worker";
import { lockConfig } from "./worker";

const SNAPSHOT_KEYS = ["snapshots", "parent", "snaptime", "vmstate", "snapstate", "runningcpu", "runningmachine", "running-nets-host-mtu"];

/** What `$load_and_check` hands the worker. */
interface ClonePlan {
  readonly newconf: ConfigSection;
  readonly oldconf: ConfigSection;
  readonly drives: Map<string, Drive>;
  readonly fullclone: Set<string>;
}

/** `$check_storage_access_clone`: whether every disk is on shared storage; `Datastore.AllocateSpace` where copies land. */
function checkStorageAccessClone(deps: QemuDeps, auth: SimAuth, conf: ConfigSection, storage: string | undefined): boolean {
  let shared = true;
  for (const key of Object.keys(conf)) {
    if (!isDriveName(key)) continue;
    const drive = parseDrive(key, String(conf[key]));
    if (!drive?.file || drive.file === "none") continue;
    if (driveIsCdrom(drive)) {
      if (drive.file === "cdrom") checkPrivs(deps.ctx, auth, "/", ["Sys.Console"]);
      else if (!storageConfig(deps.ctx, parseVolumeId(drive.file)[0]).shared) shared = false;
      continue;
    }
    const [sid] = parseVolumeId(drive.file);
    if (!storageConfig(deps.ctx, sid).shared) shared = false;
    checkPrivs(deps.ctx, auth, `/storage/${storage ?? sid}`, ["Datastore.AllocateSpace"]);
  }
  if (conf.vmstatestorage !== undefined) checkPrivs(deps.ctx, auth, `/storage/${String(conf.vmstatestorage)}`, ["Datastore.AllocateSpace"]);
  return shared;
}

type Register = (method: "POST", template: string, handler: (req: SimRequest) => unknown) => void;

/** Registers `clone_vm`. */
export function installClone(register: Register, deps: QemuDeps): void {
  const { ctx, configs } = deps;
  register("POST", "/nodes/{node}/qemu/{vmid}/clone", (req) => {
    const p = req.params;
    const node = String(p.node);
    const vmid = Number(p.vmid);
    const newid = Number(p.newid);
    const pool = p.pool === undefined ? undefined : String(p.pool);
    const snapname = p.snapname === undefined ? undefined : String(p.snapname);
    const storage = p.storage === undefined ? undefined : String(p.storage);
    const format = p.format === undefined ? undefined : String(p.format);
    let target = p.target === undefined ? undefined : String(p.target);
    if (target === node || target === "localhost") target = undefined;
    const env: StorageEnv = { ctx, node };
    const running = checkRunning(deps, vmid, node);

    const loadAndCheck = (): ClonePlan => {
      if (pool !== undefined) checkPoolExists(ctx, pool);
      if (target !== undefined && !ctx.nodes.includes(target)) throw pveDie(`no such cluster node '${target}'`);
      if (storage !== undefined) {
        const scfg = storageCheckEnabled(ctx, storage, node);
        if (!contentOf(scfg).has("images")) throw paramError({ storage: `storage '${storage}' does not support vm images` });
        if (target !== undefined) {
          storageCheckEnabled(ctx, storage, target);
          if (!scfg.shared) throw pveDie(`can't clone to non-shared storage '${storage}'`);
        }
      }
      const conf: GuestConf = configs.load(vmid, node);
      checkLock(conf);
      if (deps.runtime.isRunning(vmid) !== running) throw pveDie("unexpected state change");
      if (snapname !== undefined && !conf.snapshots.has(snapname)) throw pveDie(`snapshot '${snapname}' does not exist`);
      const full = p.full !== undefined ? Boolean(p.full) : !conf.main.template;
      if (storage !== undefined && !full) throw pveDie("parameter 'storage' not allowed for linked clones");
      if (format !== undefined && !full) throw pveDie("parameter 'format' not allowed for linked clones");
      const oldconf = snapname !== undefined ? (conf.snapshots.get(snapname) ?? {}) : conf.main;
      const sharedvm = checkStorageAccessClone(deps, req.auth, oldconf, storage);
      checkBridgeAccess(ctx, req.auth, oldconf);
      if (target !== undefined && !sharedvm) throw pveDie(`can't clone VM to node '${target}' (VM uses local storage)`);
      if (configs.existsOn(newid, node)) throw pveDie(`unable to create VM ${newid}: config file already exists`);
      const newconf: ConfigSection = { lock: "clone" };
      const drives = new Map<string, Drive>();
      const fullclone = new Set<string>();
      for (const key of Object.keys(oldconf).sort()) {
        const value = oldconf[key] as string | number;
        if (SNAPSHOT_KEYS.includes(key) || /^unused\d+$/.test(key)) continue;
        if (full && running && snapname === undefined && key === "tpmstate0") throw pveDie("cannot clone TPM state while VM is running");
        if (/^net\d+$/.test(key)) {
          const net = parseNet(ctx, String(value), true) ?? {};
          net.macaddr = randomDatacenterMac(ctx);
          newconf[key] = printNet(net);
        } else if (isDriveName(key)) {
          const drive = parseDrive(key, String(value));
          if (!drive) throw pveDie(`unable to parse drive options for '${key}'`);
          if (driveIsCdrom(drive, true)) {
            newconf[key] = value;
            continue;
          }
          const what = `clone feature is not supported for${snapname ? " a snapshot of" : ""} '${drive.file}' (${key})`;
          if (full || driveIsCloudinit(drive) || key === "tpmstate0") {
            if (!volumeHasFeature(ctx, "copy", drive.file, snapname)) throw pveDie(`Full ${what}`);
            fullclone.add(key);
          } else if (!volumeHasFeature(ctx, "clone", drive.file, snapname)) {
            throw pveDie(`Linked ${what}`);
          }
          drives.set(key, drive);
        } else {
          newconf[key] = value;
        }
      }
      return { newconf, oldconf, drives, fullclone };
    };

    loadAndCheck();

    const clonefn = async (log: (line: string) => void, durationMs: number): Promise<void> => {
      const plan = loadAndCheck();
      const { newconf, oldconf, drives, fullclone } = plan;
      log(`creating a clone of VM ${vmid} with ID ${newid}`);
      const smbios = parsePropertyStringStrict(String(newconf.smbios1 ?? ""), SMBIOS_FORMAT);
      smbios.uuid = randomUUID();
      newconf.smbios1 = printPropertyString(smbios, SMBIOS_FORMAT);
      if (newconf.vmgenid) newconf.vmgenid = randomUUID();
      delete newconf.template;
      newconf.name = p.name !== undefined ? String(p.name) : `Copy-of-VM-${oldconf.name !== undefined ? String(oldconf.name) : vmid}`;
      if (p.description) newconf.description = String(p.description);
      // "# qmclone temporary file\nlock: clone\n": parse_vm_config reads the comment as the description
      const temporary = emptyConf({ description: " qmclone temporary file", lock: "clone" });
      configs.create(newid, node, temporary, configs.existsRefusal(newid, node));
      const newvollist: string[] = [];
      const conf = emptyConf(newconf);
      try {
        const perDisk = drives.size ? durationMs / drives.size : 0;
        if (!drives.size) await sleep(durationMs);
        for (const key of [...drives.keys()].sort()) {
          const drive = drives.get(key) as Drive;
          const newDrive = await cloneDisk(
            env,
            { vmid, drivename: key, drive, ...(snapname ? { snapname } : {}) },
            { vmid: newid, drivename: key, ...(storage ? { storage } : {}), ...(format ? { format } : {}) },
            fullclone.has(key),
            newvollist,
            log,
            perDisk,
          );
          conf.main[key] = printDrive(key, newDrive);
          configs.write(newid, conf);
        }
        delete conf.main.lock;
        configs.write(newid, conf);
        if (target !== undefined) configs.moveTo(newid, target);
        if (pool !== undefined) await addVmToPool(ctx, newid, pool);
      } catch (err) {
        for (const volid of newvollist) await vdiskFree(env, volid).catch(() => undefined);
        configs.remove(newid);
        throw pveDie(`clone failed: ${err instanceof Error ? err.message.replace(/\n$/, "") : String(err)}`);
      }
    };

    return forkWorker(ctx, req.auth, { node, type: "qmclone", id: String(vmid) }, (worker) =>
      lockConfig(ctx, node, vmid, () => lockConfig(ctx, node, newid, () => clonefn(worker.log, worker.durationMs), { timeoutMs: 1000 }), {
        timeoutMs: 1000,
        shared: !running,
      }),
    );
  });
}

/** `$smbios1_fmt` (named `pve-qm-smbios1` in the schema). */
const SMBIOS_FORMAT = {
  uuid: { type: "string", optional: true },
  version: { type: "string", optional: true },
  serial: { type: "string", optional: true },
  manufacturer: { type: "string", optional: true },
  product: { type: "string", optional: true },
  sku: { type: "string", optional: true },
  family: { type: "string", optional: true },
  base64: { type: "boolean", optional: true },
} as const;
