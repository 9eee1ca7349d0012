/**
 * VM snapshots (qemu-server `src/PVE/API2/Qemu.pm` snapshot endpoints; `src/PVE/QemuConfig.pm`
 * `has_feature`, `__snapshot_assert_no_blockers`, `__snapshot_save_vmstate`,
 * `find_vmstate_storage`, `__snapshot_create_vol_snapshot`, `__snapshot_delete_vmstate_file`,
 * `__snapshot_rollback_hook`, `__snapshot_rollback_vm_stop`, `__snapshot_rollback_vm_start`,
 * `add_unused_volume`): the shared engine and endpoints with the VM's hooks: every disk but
 * CD-ROMs (cloud-init drives included) is snapshotted; `vmstate=1` on a running VM saves its RAM
 * to `vm-<id>-state-<snap>` (twice the memory plus 500 MiB) on `vmstatestorage`, a shared storage
 * the VM uses, a local one, or `local`; a rollback stops the VM, gives it a new `vmgenid`, and
 * resumes it from that RAM; an unused cloud-init drive is freed instead of kept; `pending` and
 * `current` are reserved names, and the RAM of a VM with `amd-sev`, `intel-tdx` or virtiofs
 * cannot be saved.
 */
import { randomUUID } from "node:crypto";
import { pveDie } from "../config-text";
import { addUnusedVolume, type ConfigSection } from "../guests/config";
import { checkPrivs } from "../guests/permissions";
import { installSnapshotApi } from "../guests/snapshot-api";
import type { SnapshotGuest } from "../guests/snapshots";
import { volumeHasFeature } from "../guests/storage-features";
import { parseVolumeId, storageConfig, vdiskAlloc, vdiskFree, type StorageEnv } from "../guests/storage-ops";
import type { Register } from "../generic-store";
import { forkWorker } from "../guests/worker";
import { currentMemoryMiB } from "./boot";
import { DRIVE_NAMES } from "./confdesc";
import type { QemuDeps } from "./deps";
import { driveIsCdrom, parseDrive } from "./drive";
import { doStop, startVm, startVmHeld } from "./power";
import { lockConfig } from "./worker";

/** The disks a snapshot covers (`foreach_volume` without CD-ROMs), with `backup=0` ones left out of `vzdump`. */
function snapshotDisks(section: Readonly<ConfigSection>, snapname: string): { key: string; volid: string }[] {
  const out: { key: string; volid: string }[] = [];
  for (const key of DRIVE_NAMES) {
    if (section[key] === undefined) continue;
    const drive = parseDrive(key, String(section[key]));
    if (!drive || driveIsCdrom(drive) || !drive.file) continue;
    if (snapname === "vzdump" && drive.backup !== undefined && !Number(drive.backup)) continue;
    out.push({ key, volid: drive.file });
  }
  return out;
}

/** `find_vmstate_storage`: `vmstatestorage`, else a shared storage the VM uses, else a local one (file based preferred), else `local`. */
function vmstateStorage(deps: QemuDeps, section: Readonly<ConfigSection>): string {
  if (section.vmstatestorage !== undefined) return String(section.vmstatestorage);
  let shared: string | undefined;
  let local: string | undefined;
  for (const { volid } of snapshotDisks(section, "")) {
    const id = parseVolumeId(volid, true);
    if (!id) continue;
    const scfg = storageConfig(deps.ctx, id[0]);
    if (scfg.shared) {
      if (!shared || scfg.path !== undefined) shared = id[0];
    } else if (!local || scfg.path !== undefined) {
      local = id[0];
    }
  }
  return shared ?? local ?? "local";
}

/** The VM's snapshot hooks. */
export function vmSnapshotGuest(deps: QemuDeps): SnapshotGuest {
  const { ctx } = deps;
  const ROOT = { userid: "root@pam", via: "ticket" } as const;
  return {
    label: "VM",
    configs: deps.configs,
    lock: (node, vmid, fn) => lockConfig(ctx, node, vmid, fn),
    isRunning: (vmid, node) => deps.configs.existsOn(vmid, node) && deps.runtime.isRunning(vmid),
    volumes: snapshotDisks,
    hasSnapshotFeature: (section, snapname) => snapshotDisks(section, snapname).every(({ volid }) => volumeHasFeature(ctx, "snapshot", volid)),
    assertNoBlockers: (section, saveVmstate) => {
      if (!saveVmstate) return;
      const blockers = [
        ...(section["amd-sev"] !== undefined ? ["amd-sev"] : []),
        ...(section["intel-tdx"] !== undefined ? ["intel-tdx"] : []),
        ...(Object.keys(section).some((k) => /^virtiofs\d+$/.test(k)) ? ["virtiofs"] : []),
      ];
      if (blockers.length) throw pveDie(`Cannot live-migrate, snapshot (with RAM), or hibernate a VM with: ${blockers.join(", ")}`);
    },
    saveVmstate: async (env: StorageEnv, vmid, conf, snap, snapname, worker) => {
      const target = vmstateStorage(deps, conf.main);
      const sizeMiB = currentMemoryMiB(conf.main.memory) * 2 + 500;
      const name = `vm-${vmid}-state-${snapname}${storageConfig(ctx, target).path !== undefined ? ".raw" : ""}`;
      const volid = await vdiskAlloc(env, { storage: target, vmid, format: "raw", name, sizeKiB: sizeMiB * 1024 });
      snap.vmstate = volid;
      snap.runningmachine = "pc-i440fx-10.0+pve0";
      snap.runningcpu = "kvm64,enforce,+kvm_pv_eoi,+kvm_pv_unhalt,+lahf_lm,+sep";
      worker.log(`saving VM state and RAM using storage '${target}'`);
      worker.log(`completed saving the VM state in 1s, saved ${(currentMemoryMiB(conf.main.memory) / 4 / 1024).toFixed(2)} GiB`);
    },
    deleteVmstate: async (env, snap, force) => {
      try {
        await vdiskFree(env, String(snap.vmstate));
      } catch (err) {
        if (!force) throw err;
      }
    },
    snapshotLine: (key, volid) => `snapshotting 'drive-${key}' (${volid})`,
    stopForRollback: (env, vmid, worker) => doStop(deps, ROOT, env.node, vmid, worker, {}),
    afterRollback: (conf) => {
      delete conf.main.runningmachine;
      delete conf.main.runningcpu;
      delete conf.main["running-nets-host-mtu"];
      if (conf.main.vmgenid !== undefined && String(conf.main.vmgenid) !== "0") conf.main.vmgenid = randomUUID();
    },
    startFromVmstate: (env, vmid, vmstate, worker) => startVmHeld(deps, ROOT, env.node, vmid, worker, { statefile: vmstate }),
    addUnused: async (env, section, volid) => {
      if (/vm-\d+-cloudinit/.test(volid)) {
        await vdiskFree(env, volid).catch(() => undefined);
        return;
      }
      addUnusedVolume(section, volid);
    },
  };
}

/** Registers the VM snapshot endpoints. */
export function installSnapshots(register: Register, deps: QemuDeps): void {
  installSnapshotApi(register, {
    type: "qemu",
    guest: vmSnapshotGuest(deps),
    tasks: { create: "qmsnapshot", delete: "qmdelsnapshot", rollback: "qmrollback" },
    reserved: (snapname) => (snapname.toLowerCase() === "pending" ? "unable to use snapshot name 'pending' (reserved name)" : undefined),
    checkCreate: (node, vmid, vmstate) => vmSnapshotGuest(deps).assertNoBlockers(deps.configs.load(vmid, node).main, vmstate),
    checkRollbackStart: (auth, vmid) => checkPrivs(deps.ctx, auth, `/vms/${vmid}`, ["VM.PowerMgmt"]),
    start: (auth, node, vmid) => {
      forkWorker(deps.ctx, auth, { node, type: "qmstart", id: String(vmid) }, (worker) => startVm(deps, auth, node, vmid, worker));
      return Promise.resolve();
    },
  });
}
