/**
 * Guest snapshots (pve-guest-common `src/PVE/AbstractConfig.pm` `snapshot_create` with
 * `__snapshot_prepare`/`__snapshot_commit`, `snapshot_delete`, `snapshot_rollback`,
 * `__snapshot_copy_config`, `__snapshot_apply_config`), over a guest type's hooks (qemu-server
 * `QemuConfig.pm`, pve-container `LXC/Config.pm` `__snapshot_*`). The config file, not a flock,
 * guards the long steps: `lock: snapshot` (`snapstate: prepare`) while the volumes are
 * snapshotted, `snapshot-delete` (`snapstate: delete`) while they are removed, `rollback` between
 * the two rollback passes. A snapshot section copies the config without its snapshots, lock,
 * description, unused volumes and vmstate, adds `snaptime`, its own `description` and, for a
 * running VM asked to, `vmstate`; the config's `parent` names the newest snapshot.
 */
import { pveDie } from "../config-text";
import type { ConfigSection, ConfigValue, GuestConf } from "./config";
import { assertUnlocked } from "./config";
import type { GuestConfigStore } from "./config-store";
import type { StorageEnv } from "./storage-ops";
import { volumeRollbackIsPossible, volumeSnapshot, volumeSnapshotDelete, volumeSnapshotRollback } from "./volume-snapshots";
import type { Worker } from "./worker";

/** What a guest type plugs into the snapshot engine (the `__snapshot_*` methods it implements). */
export interface SnapshotGuest {
  readonly label: "VM" | "CT";
  readonly configs: GuestConfigStore;
  lock<T>(node: string, vmid: number, fn: () => Promise<T> | T): Promise<T>;
  /** `__snapshot_check_running`. */
  isRunning(vmid: number, node: string): boolean;
  /** `foreach_volume` as the snapshot steps see it: the keys and volumes a snapshot covers (CD-ROMs and bind mounts left out). */
  volumes(section: Readonly<ConfigSection>, snapname: string): { key: string; volid: string }[];
  /** `has_feature('snapshot', ...)` over the config (only what a backup includes for `vzdump`). */
  hasSnapshotFeature(section: Readonly<ConfigSection>, snapname: string): boolean;
  /** `__snapshot_assert_no_blockers`. */
  assertNoBlockers(section: Readonly<ConfigSection>, saveVmstate: boolean): void;
  /** `__snapshot_save_vmstate`: writes `vmstate` (and the running machine) into `snap`. */
  saveVmstate(env: StorageEnv, vmid: number, conf: GuestConf, snap: ConfigSection, snapname: string, worker: Worker): Promise<void>;
  /** `__snapshot_delete_vmstate_file`. */
  deleteVmstate(env: StorageEnv, snap: ConfigSection, force: boolean): Promise<void>;
  /** A line logged before each volume snapshot (qemu: `snapshotting 'drive-scsi0' (...)`). */
  snapshotLine?(key: string, volid: string): string;
  /** `__snapshot_rollback_vm_stop` (the caller holds the flock). */
  stopForRollback(env: StorageEnv, vmid: number, worker: Worker): Promise<void>;
  /** `__snapshot_rollback_hook` (after the snapshot was applied). */
  afterRollback?(conf: GuestConf): void;
  /** `__snapshot_rollback_vm_start` for a snapshot with RAM. */
  startFromVmstate?(env: StorageEnv, vmid: number, vmstate: string, worker: Worker): Promise<void>;
  /** `add_unused_volume` (qemu frees a cloud-init drive instead). */
  addUnused(env: StorageEnv, section: ConfigSection, volid: string): Promise<void>;
}

/** `__snapshot_copy_config`. */
function copyConfig(source: Readonly<ConfigSection>, dest: ConfigSection): void {
  for (const [key, value] of Object.entries(source)) {
    if (["snapshots", "snapstate", "snaptime", "vmstate", "lock", "digest", "description"].includes(key) || /^unused\d+$/.test(key)) continue;
    dest[key] = value;
  }
}

/** A snapshot operation on one guest. */
export interface SnapshotJob {
  readonly guest: SnapshotGuest;
  readonly env: StorageEnv;
  readonly vmid: number;
  readonly worker: Worker;
}

/** `snapshot_create($vmid, $snapname, $save_vmstate, $comment)`. */
export async function snapshotCreate(job: SnapshotJob, snapname: string, saveVmstate: boolean, comment: string | undefined): Promise<void> {
  const { guest, env, vmid, worker } = job;
  const node = env.node;
  let snap: ConfigSection = {};
  await guest.lock(node, vmid, async () => {
    const conf = guest.configs.load(vmid, node);
    if (Number(conf.main.template) === 1) throw pveDie("you can't take a snapshot if it's a template");
    assertUnlocked(conf.main, guest.label);
    guest.assertNoBlockers(conf.main, saveVmstate);
    conf.main.lock = "snapshot";
    if (conf.snapshots.has(snapname)) throw pveDie(`snapshot name '${snapname}' already used`);
    if (!guest.hasSnapshotFeature(conf.main, snapname)) throw pveDie("snapshot feature is not available");
    for (const [name, other] of [...conf.snapshots].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (other.parent === snapname) {
        worker.log(`deleting parent '${snapname}' reference from '${name}' to avoid bogus snapshot cycle.`);
        delete other.parent;
      }
    }
    snap = {};
    conf.snapshots.set(snapname, snap);
    if (saveVmstate && guest.isRunning(vmid, node)) await guest.saveVmstate(env, vmid, conf, snap, snapname, worker);
    copyConfig(conf.main, snap);
    snap.snapstate = "prepare";
    snap.snaptime = Math.floor(env.ctx.now() / 1000);
    if (comment) snap.description = comment;
    guest.configs.write(vmid, conf);
  });
  const drivehash = new Set<string>();
  try {
    await worker.spend(1);
    for (const { key, volid } of guest.volumes(snap, snapname)) {
      if (guest.snapshotLine) worker.log(guest.snapshotLine(key, volid));
      volumeSnapshot(env, volid, snapname);
      drivehash.add(key);
    }
  } catch (err) {
    worker.log("snapshot create failed: starting cleanup");
    await snapshotDelete(job, snapname, true, drivehash).catch((e: unknown) => worker.log(e instanceof Error ? e.message.replace(/\n$/, "") : String(e)));
    throw err;
  }
  await guest.lock(node, vmid, () => {
    const conf = guest.configs.load(vmid, node);
    if (conf.main.lock !== "snapshot") throw pveDie("missing snapshot lock");
    const current = conf.snapshots.get(snapname);
    if (!current) throw pveDie(`snapshot '${snapname}' does not exist`);
    if (current.snapstate !== "prepare") throw pveDie("wrong snapshot state");
    delete current.snapstate;
    delete conf.main.lock;
    conf.main.parent = snapname;
    guest.configs.write(vmid, conf);
  });
}

/** `snapshot_delete($vmid, $snapname, $force, $drivehash)`; `drivehash` only from a failed create. */
export async function snapshotDelete(job: SnapshotJob, snapname: string, force: boolean, drivehash?: ReadonlySet<string>): Promise<void> {
  const { guest, env, vmid, worker } = job;
  const node = env.node;
  const initial = guest.configs.load(vmid, node);
  if (!initial.snapshots.has(snapname)) throw pveDie(`snapshot '${snapname}' does not exist`);
  if (!drivehash) {
    await guest.lock(node, vmid, () => {
      const conf = guest.configs.load(vmid, node);
      assertUnlocked(conf.main, guest.label);
      conf.main.lock = "snapshot-delete";
      guest.configs.write(vmid, conf);
    });
  }
  const expected = drivehash ? "snapshot" : "snapshot-delete";
  const ensureLock = (conf: GuestConf): void => {
    if (conf.main.lock !== expected) throw pveDie(`encountered invalid lock, expected '${expected}'`);
  };
  const load = (): { conf: GuestConf; snap: ConfigSection } => {
    const conf = guest.configs.load(vmid, node);
    ensureLock(conf);
    const snap = conf.snapshots.get(snapname);
    if (!snap) throw pveDie(`snapshot '${snapname}' does not exist`);
    return { conf, snap };
  };
  const removeDrive = (key: string): Promise<void> =>
    guest.lock(node, vmid, async () => {
      const { conf, snap } = load();
      const value = snap[key];
      delete snap[key];
      if (key !== "vmstate" && value !== undefined) {
        const volid = guest.volumes({ [key]: value }, snapname)[0]?.volid;
        if (volid !== undefined) await guest.addUnused(env, snap, volid);
      }
      guest.configs.write(vmid, conf);
    });
  let snap: ConfigSection = {};
  await guest.lock(node, vmid, () => {
    const loaded = load();
    if (Number(loaded.conf.main.template) === 1) throw pveDie("you can't delete a snapshot if vm is a template");
    loaded.snap.snapstate = "delete";
    snap = { ...loaded.snap };
    guest.configs.write(vmid, loaded.conf);
  });
  const unused: string[] = [];
  await worker.spend(1);
  if (snap.vmstate !== undefined) {
    await guest.deleteVmstate(env, snap, force);
    if (!force) await removeDrive("vmstate");
  }
  for (const { key, volid } of guest.volumes(snap, snapname)) {
    if (!drivehash || drivehash.has(key)) {
      try {
        volumeSnapshotDelete(env, volid, snapname);
        unused.push(volid);
      } catch (err) {
        if (!force) throw err;
        worker.log(err instanceof Error ? err.message.replace(/\n$/, "") : String(err));
      }
    }
    if (!force) await removeDrive(key);
  }
  await guest.lock(node, vmid, async () => {
    const { conf, snap: current } = load();
    const unlinkParent = (section: ConfigSection): void => {
      if (section.parent !== snapname) return;
      if (current.parent !== undefined) section.parent = current.parent;
      else delete section.parent;
    };
    unlinkParent(conf.main);
    for (const [name, other] of conf.snapshots) if (name !== snapname) unlinkParent(other);
    conf.snapshots.delete(snapname);
    delete conf.main.lock;
    for (const volid of unused) await guest.addUnused(env, conf.main, volid);
    guest.configs.write(vmid, conf);
  });
}

/** `__snapshot_rollback_get_unused`: volumes of the config the snapshot does not have. */
function rollbackUnused(guest: SnapshotGuest, conf: GuestConf, snap: Readonly<ConfigSection>, snapname: string): string[] {
  const inSnap = new Set(guest.volumes(snap, snapname).map((v) => v.volid));
  return guest
    .volumes(conf.main, snapname)
    .map((v) => v.volid)
    .filter((volid) => !inSnap.has(volid));
}

/** `snapshot_rollback($vmid, $snapname)`: two passes under the flock around the volume rollbacks. */
export async function snapshotRollback(job: SnapshotJob, snapname: string): Promise<void> {
  const { guest, env, vmid, worker } = job;
  const node = env.node;
  let snap: ConfigSection = {};
  const pass = (prepare: boolean): Promise<void> =>
    guest.lock(node, vmid, async () => {
      let conf = guest.configs.load(vmid, node);
      if (Number(conf.main.template) === 1) throw pveDie("you can't rollback if vm is a template");
      const found = conf.snapshots.get(snapname);
      if (!found) throw pveDie(`snapshot '${snapname}' does not exist`);
      snap = { ...found };
      if (prepare) for (const { volid } of guest.volumes(snap, snapname)) volumeRollbackIsPossible(env, volid, snapname);
      if (snap.snapstate !== undefined) throw pveDie(`unable to rollback to incomplete snapshot (snapstate = ${String(snap.snapstate)})`);
      if (prepare) {
        assertUnlocked(conf.main, guest.label);
        await guest.stopForRollback(env, vmid, worker);
      }
      if (guest.isRunning(vmid, node)) throw pveDie(`unable to rollback vm ${vmid}: vm is running`);
      if (prepare) {
        conf.main.lock = "rollback";
      } else {
        if (conf.main.lock !== "rollback") throw pveDie("got wrong lock");
        delete conf.main.lock;
        for (const volid of rollbackUnused(guest, conf, snap, snapname)) await guest.addUnused(env, conf.main, volid);
        const main: ConfigSection = {};
        for (const [key, value] of Object.entries(conf.main)) if (/^unused\d+$/.test(key) || key === "description") main[key] = value as ConfigValue;
        copyConfig(snap, main);
        main.parent = snapname;
        conf = { main, pending: {}, snapshots: conf.snapshots, special: new Map() };
        guest.afterRollback?.(conf);
      }
      guest.configs.write(vmid, conf);
      if (!prepare && snap.vmstate !== undefined) await guest.startFromVmstate?.(env, vmid, String(snap.vmstate), worker);
    });
  await pass(true);
  await worker.spend(1);
  for (const { volid } of guest.volumes(snap, snapname)) volumeSnapshotRollback(env, volid, snapname);
  await pass(false);
}

/** `GET .../snapshot`: every snapshot, then `current` ("You are here!") with the digest and whether the guest runs. */
export function snapshotList(guest: SnapshotGuest, vmid: number, node: string, withVmstate: boolean): Record<string, unknown>[] {
  const conf = guest.configs.load(vmid, node);
  const out: Record<string, unknown>[] = [];
  for (const name of [...conf.snapshots.keys()].sort()) {
    const d = conf.snapshots.get(name) ?? {};
    const item: Record<string, unknown> = {
      name,
      snaptime: Number(d.snaptime ?? 0),
      ...(withVmstate ? { vmstate: d.vmstate ? 1 : 0 } : {}),
      description: String(d.description ?? ""),
    };
    if (d.parent !== undefined && (guest.label === "CT" || d.parent)) item.parent = d.parent;
    if (d.snapstate) item.snapstate = d.snapstate;
    out.push(item);
  }
  const current: Record<string, unknown> = {
    name: "current",
    digest: guest.configs.digest(vmid),
    running: guest.isRunning(vmid, node) ? 1 : 0,
    description: "You are here!",
  };
  if (conf.main.parent !== undefined && (guest.label === "CT" || conf.main.parent)) current.parent = conf.main.parent;
  out.push(current);
  return out;
}
