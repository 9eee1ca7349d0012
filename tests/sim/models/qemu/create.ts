/**
 * `POST /nodes/{node}/qemu` (qemu-server `src/PVE/API2/Qemu.pm` `create_vm`; pve-guest-common
 * `AbstractConfig::create_and_lock_config`). Before the worker: the caller's rights
 * (`VM.Allocate` on the VM or its pool, `Datastore.AllocateSpace`, `Sys.Console` for
 * `ha-managed`, `VM.PowerMgmt` for `start`, root-only keys), drive and NIC normalisation, and the
 * VMID itself: `create_and_lock_config` writes `lock: create` under a 5 s flock, so an id in use
 * is refused synchronously (`unable to create VM 100 - VM 100 already exists on node 'pve1'`).
 * The `qmcreate` worker allocates the disks under a 1 s flock, writes the config (meta, smbios1
 * uuid, vmgenid, default boot order, a pinned machine version for Windows, normalised tags), adds
 * the VM to its pool, registers it with HA and asks for a start, which runs as a task of its own.
 * A failure removes the config file again. With `archive` it restores instead (`./restore`):
 * `lock: create` (over this node's VM with `force`) and a `qmrestore` worker.
 */
import { randomUUID } from "node:crypto";
import type { SimRequest } from "../../types";
import { permissionDenied } from "../../core/permissions";
import { pveDie } from "../config-text";
import { emptyConf } from "../guests/config";
import { addVmToPool } from "../guests/access";
import { addHaResource, sidOf } from "../guests/ha";
import { checkPoolExists, checkPrivs, checkVmPerm, hasPriv } from "../guests/permissions";
import { vdiskFree } from "../guests/storage-ops";
import { assertTagPermissions, uniqueTags } from "../guests/tags";
import { assertIndexRanges, typedValue } from "./confdesc";
import { checkLock, type QemuDeps } from "./deps";
import { checkDriveParams, createDisks, newDiskCount } from "./disks";
import { addRandomMacs } from "./net";
import { checkBridgeAccess, checkCreateDevicePerms, checkModifyConfigPerm, checkStorageAccess } from "./permissions";
import { requestStart } from "./power";
import { defaultBootDevices, printBootorder } from "./boot";
import { prepareParams } from "./params";
import { assertClipboardConfig, checkAndPinMachine, QEMU_VERSION } from "./machine";
import { forkWorker } from "../guests/worker";
import { vmlistOf } from "../guests/vmlist";
import { checkRestoreArchive, runRestore, type RestoreRequest } from "./restore";
import { lockConfig } from "./worker";

/** Parameters of create that are not config keys (`extract_param` in `create_vm`). */
const EXTRACTED = ["node", "vmid", "archive", "bwlimit", "force", "pool", "start", "ha-managed", "storage", "unique", "live-restore", "import-working-storage"];

type Register = (method: "POST", template: string, handler: (req: SimRequest) => unknown) => void;

/** `create_and_lock_config($vmid, $allow_existing)`: `lock: create` on a new config, or (a forced restore) on this node's existing one. */
function createAndLockConfig(deps: QemuDeps, node: string, vmid: number, allowExisting: boolean): void {
  const { configs } = deps;
  if (!allowExisting) vmlistOf(deps.ctx).assertUnused(vmid);
  if (configs.existsOn(vmid, node)) {
    const existing = configs.load(vmid, node);
    checkLock(existing);
    existing.main.lock = "create";
    configs.write(vmid, existing);
  } else {
    configs.create(vmid, node, emptyConf({ lock: "create" }), allowExisting ? configs.existsRefusal(vmid, node) : undefined);
  }
}

/** Registers `create_vm`. */
export function installCreate(register: Register, deps: QemuDeps): void {
  const { ctx, configs } = deps;
  register("POST", "/nodes/{node}/qemu", async (req) => {
    const p = req.params;
    const node = String(p.node);
    const vmid = Number(p.vmid);
    const auth = req.auth;
    assertIndexRanges(p);
    const archive = p.archive === undefined || p.archive === "" ? undefined : String(p.archive);
    const force = Boolean(p.force);
    const pool = p.pool === undefined ? undefined : String(p.pool);
    const storage = p.storage === undefined ? undefined : String(p.storage);
    const params: Record<string, string | number> = {};
    for (const [key, value] of Object.entries(p)) if (!EXTRACTED.includes(key) && (typeof value === "string" || typeof value === "number")) params[key] = value;
    prepareParams(params);
    if (pool !== undefined) checkPoolExists(ctx, pool);
    if (storage !== undefined) checkPrivs(ctx, auth, `/storage/${storage}`, ["Datastore.AllocateSpace"]);
    if (p["ha-managed"]) checkPrivs(ctx, auth, "/", ["Sys.Console"]);
    if (p.start) checkVmPerm(ctx, auth, vmid, pool, ["VM.PowerMgmt"]);
    if (hasPriv(ctx, auth, `/vms/${vmid}`, "VM.Allocate") || (pool !== undefined && hasPriv(ctx, auth, `/pool/${pool}`, "VM.Allocate"))) {
      // OK
    } else if (archive !== undefined && force && configs.existsOn(vmid, node) && hasPriv(ctx, auth, `/vms/${vmid}`, "VM.Backup")) {
      // OK: restoring over an existing VM needs only VM.Backup
    } else {
      throw permissionDenied();
    }
    if (archive !== undefined) checkRestoreArchive(ctx, auth, node, vmid, archive, params);
    if (Object.keys(params).length > 0) {
      checkStorageAccess(ctx, auth, vmid, params, storage);
      checkModifyConfigPerm(ctx, auth, vmid, pool, Object.keys(params));
      checkCreateDevicePerms(ctx, auth, vmid, pool, params);
      checkBridgeAccess(ctx, auth, params);
      checkDriveParams(ctx, params);
      addRandomMacs(ctx, params);
    }
    const emsg = `unable to ${archive !== undefined ? "restore" : "create"} VM ${vmid} -`;
    try {
      await lockConfig(ctx, node, vmid, () => createAndLockConfig(deps, node, vmid, archive !== undefined && force), { timeoutMs: 5000 });
    } catch (err) {
      throw pveDie(`${emsg} ${err instanceof Error ? err.message.replace(/\n$/, "") : String(err)}`);
    }
    if (archive !== undefined) {
      const options: RestoreRequest = {
        archive,
        emsg,
        unique: Boolean(p.unique),
        live: Boolean(p["live-restore"]),
        start: Boolean(p.start),
        haManaged: Boolean(p["ha-managed"]),
        override: params,
        ...(storage !== undefined ? { storage } : {}),
        ...(pool !== undefined ? { pool } : {}),
      };
      return forkWorker(ctx, auth, { node, type: "qmrestore", id: String(vmid) }, (worker) => runRestore(deps, auth, node, vmid, options, worker));
    }

    return forkWorker(ctx, auth, { node, type: "qmcreate", id: String(vmid) }, async (worker) => {
      const env = { ctx, node };
      try {
        await lockConfig(
          ctx,
          node,
          vmid,
          async () => {
            const conf = emptyConf();
            for (const [key, value] of Object.entries(params)) conf.main[key] = typedValue(key, value);
            conf.main.meta = `creation-qemu=${QEMU_VERSION},ctime=${Math.floor(ctx.now() / 1000)}`;
            const disks = newDiskCount(params);
            let vollist: string[] = [];
            try {
              const result = await createDisks({
                env,
                auth,
                vmid,
                conf,
                settings: params,
                ...(storage ? { defaultStorage: storage } : {}),
                isTemplate: Boolean(conf.main.template),
                log: worker.log,
                allocMs: disks ? worker.durationMs / disks : 0,
              });
              vollist = result.vollist;
              Object.assign(conf.main, result.created);
              if (!disks) await worker.spend(1);
              if (conf.main.boot === undefined) conf.main.boot = printBootorder(defaultBootDevices(conf.main));
              assertClipboardConfig(conf.main.vga);
              if (conf.main.smbios1 === undefined) conf.main.smbios1 = `uuid=${randomUUID()}`;
              if ((conf.main.vmgenid === undefined || String(conf.main.vmgenid) === "1") && conf.main.arch !== "aarch64") conf.main.vmgenid = randomUUID();
              // "always pin Windows' machine version on create"
              const machine = checkAndPinMachine(conf.main.machine, conf.main.ostype, conf.main.arch, worker.log);
              if (machine !== undefined) conf.main.machine = machine;
              if (conf.main.tags !== undefined) {
                assertTagPermissions(ctx, auth, vmid, undefined, String(conf.main.tags));
                conf.main.tags = uniqueTags(ctx, String(conf.main.tags));
              }
              configs.write(vmid, conf);
            } catch (err) {
              for (const volid of vollist) await vdiskFree(env, volid).catch(() => undefined);
              throw pveDie(`${emsg} ${err instanceof Error ? err.message.replace(/\n$/, "") : String(err)}`);
            }
            if (pool !== undefined) await addVmToPool(ctx, vmid, pool);
          },
          { timeoutMs: 1000 },
        );
        if (p["ha-managed"]) {
          worker.log("Add as HA resource");
          await addHaResource(
            ctx,
            sidOf("qemu", vmid),
            { type: "vm", state: p.start ? "started" : "stopped" },
            ctx.taskDurationMs({ node, type: "hastart", id: String(vmid) }),
          );
        }
      } catch (err) {
        configs.remove(vmid);
        throw err;
      }
      if (p.start) {
        // `PVE::API2::Qemu->vm_start` forks a qmstart (or hastart) task of its own: the create task
        // ends without waiting for the start, and only a refusal of the call itself is warned here
        worker.log("Execute autostart");
        try {
          requestStart(deps, auth, node, vmid);
        } catch (err) {
          worker.log(err instanceof Error ? err.message.replace(/\n$/, "") : String(err));
        }
      }
    });
  });
}
