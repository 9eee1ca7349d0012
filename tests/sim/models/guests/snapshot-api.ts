/**
 * The snapshot endpoints of both guest types (qemu-server `src/PVE/API2/Qemu.pm`
 * `snapshot_list`, `snapshot`, `snapshot_cmd_idx`, `update_snapshot_config`,
 * `get_snapshot_config`, `rollback`, `delsnapshot`; pve-container `src/PVE/API2/LXC/Snapshot.pm`
 * the same): create, delete and rollback are tasks (`qmsnapshot`/`vzsnapshot`,
 * `qmdelsnapshot`/`vzdelsnapshot`, `qmrollback`/`vzrollback`); delete (unless forced) and
 * rollback hold the guest's migration lock, so they wait for replication (`Failed to obtain guest
 * migration lock - replication running?`); the description is changed in place under the flock.
 */
import type { SimAuth, SimRequest } from "../../types";
import { pveDie } from "../config-text";
import type { ConfigSection } from "./config";
import { assertUnlocked } from "./config";
import type { Register } from "../generic-store";
import { snapshotCreate, snapshotDelete, snapshotList, snapshotRollback, type SnapshotGuest } from "./snapshots";
import { forkWorker, migrationLock, type Worker } from "./worker";

/** What differs between the two types' snapshot APIs. */
export interface SnapshotApi {
  /** `qemu` or `lxc`: the path segment. */
  readonly type: "qemu" | "lxc";
  readonly guest: SnapshotGuest;
  /** Task types: create, delete, rollback. */
  readonly tasks: { readonly create: string; readonly delete: string; readonly rollback: string };
  /** Names the type reserves (`current` always; qemu `pending`, containers `vzdump`), as their refusal. */
  reserved(snapname: string): string | undefined;
  /** Checks of the create request before the worker (qemu: the config exists and can save RAM). */
  checkCreate?(node: string, vmid: number, vmstate: boolean): void;
  /** Checks of a rollback with `start` before the worker (qemu: `VM.PowerMgmt`). */
  checkRollbackStart?(auth: SimAuth, vmid: number): void;
  /** Starts the guest after a rollback with `start` (the worker holds no flock). */
  start(auth: SimAuth, node: string, vmid: number, worker: Worker): Promise<void>;
}

/** Registers the snapshot endpoints of one guest type. */
export function installSnapshotApi(register: Register, api: SnapshotApi): void {
  const { guest } = api;
  const base = `/nodes/{node}/${api.type}/{vmid}/snapshot`;
  const target = (req: SimRequest): { node: string; vmid: number; snapname: string } => ({
    node: String(req.params.node),
    vmid: Number(req.params.vmid),
    snapname: String(req.params.snapname ?? ""),
  });

  register("GET", base, (req) => {
    const { node, vmid } = target(req);
    return snapshotList(guest, vmid, node, api.type === "qemu");
  });

  register("POST", base, (req, ctx) => {
    const { node, vmid, snapname } = target(req);
    if (snapname === "current") throw pveDie("unable to use snapshot name 'current' (reserved name)");
    const reserved = api.reserved(snapname);
    if (reserved) throw pveDie(reserved);
    const vmstate = Boolean(req.params.vmstate);
    api.checkCreate?.(node, vmid, vmstate);
    const description = req.params.description === undefined ? undefined : String(req.params.description);
    return forkWorker(ctx, req.auth, { node, type: api.tasks.create, id: String(vmid) }, (worker) =>
      snapshotCreate({ guest, env: { ctx, node }, vmid, worker }, snapname, vmstate, description),
    );
  });

  register("GET", `${base}/{snapname}`, () => [{ cmd: "rollback" }, { cmd: "config" }]);

  register("PUT", `${base}/{snapname}/config`, async (req) => {
    const { node, vmid, snapname } = target(req);
    if (req.params.description === undefined) return null;
    await guest.lock(node, vmid, () => {
      const conf = guest.configs.load(vmid, node);
      assertUnlocked(conf.main, guest.label);
      const snap = conf.snapshots.get(snapname);
      if (!snap) throw pveDie(`snapshot '${snapname}' does not exist`);
      snap.description = String(req.params.description);
      guest.configs.write(vmid, conf);
    });
    return null;
  });

  register("GET", `${base}/{snapname}/config`, (req) => {
    const { node, vmid, snapname } = target(req);
    const snap = guest.configs.load(vmid, node).snapshots.get(snapname);
    if (!snap) throw pveDie(`snapshot '${snapname}' does not exist`);
    const out: ConfigSection = {};
    for (const key of Object.keys(snap).sort()) out[key] = snap[key] as ConfigSection[string];
    return out;
  });

  register("POST", `${base}/{snapname}/rollback`, (req, ctx) => {
    const { node, vmid, snapname } = target(req);
    const start = Boolean(req.params.start);
    if (start) api.checkRollbackStart?.(req.auth, vmid);
    return forkWorker(ctx, req.auth, { node, type: api.tasks.rollback, id: String(vmid) }, (worker) =>
      migrationLock(ctx, node, vmid, async () => {
        await snapshotRollback({ guest, env: { ctx, node }, vmid, worker }, snapname);
        if (start && !guest.isRunning(vmid, node)) await api.start(req.auth, node, vmid, worker);
      }),
    );
  });

  register("DELETE", `${base}/{snapname}`, (req, ctx) => {
    const { node, vmid, snapname } = target(req);
    const force = Boolean(req.params.force);
    return forkWorker(ctx, req.auth, { node, type: api.tasks.delete, id: String(vmid) }, async (worker) => {
      const job = { guest, env: { ctx, node }, vmid, worker };
      if (force) return snapshotDelete(job, snapname, true);
      let obtained = false;
      try {
        await migrationLock(ctx, node, vmid, () => {
          obtained = true;
          return snapshotDelete(job, snapname, false);
        });
      } catch (err) {
        if (obtained) throw err;
        throw pveDie("Failed to obtain guest migration lock - replication running?");
      }
    });
  });
}
