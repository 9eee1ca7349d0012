/**
 * `POST /nodes/{node}/vzdump` and `GET /nodes/{node}/vzdump/extractconfig` (pve-manager
 * `PVE/API2/VZDump.pm` `vzdump`, `extractconfig`, `assert_param_permission_vzdump`;
 * `PVE/API2/Backup.pm` `assert_param_permission_common`; `PVE/VZDump.pm` `new`, `getlock`,
 * `exec_backup`, `exec_backup_task`, `verify_vzdump_parameters`, `get_storage_param`,
 * `storage_info`, `compressor_info`, `format_size`; pve-guest-common `VZDump/Common.pm`
 * `command_line`, `VZDump/Plugin.pm` `debugmsg`). Before the worker: root-only options, the
 * selection (`vmid` XOR `all`/`pool`/`exclude`), the notes template, `Datastore.AllocateSpace` on
 * the target (`local` by default); the call answers `OK` without a task when none of the chosen
 * guests is on this node. The `vzdump` worker takes the node's global vzdump lock, then per guest
 * (sorted, `VM.Backup` checked): `lock: backup`, the mode (a stopped guest is always backed up in
 * stop mode; containers fall back from snapshot to suspend mode where volumes cannot snapshot),
 * the archive `vzdump-<type>-<vmid>-<YYYY_MM_DD-HH_MM_SS>.<vma|tar>[.zst|.gz|.lzo]` in the
 * storage's `backup` content with the guest's config inside, notes from the template, the
 * protection flag, and pruning by the retention options. A guest that fails makes the job end
 * `job errors`.
 */
import type { SimAuth, SimContext } from "../../types";
import { SimError } from "../../types";
import { pveDie, splitList } from "../config-text";
import { paramError } from "../param-error";
import type { Register } from "../generic-store";
import { haStateOf, sidOf } from "../guests/ha";
import { checkPrivs, hasPriv, isRoot } from "../guests/permissions";
import { volumePath } from "../guests/storage-content";
import { contentOf, locationOf, parseVolname, parseVolumeId, storageCheckEnabled, storageConfig, type StorageEnv } from "../guests/storage-ops";
import { checkVolumeAccess } from "../guests/volume-access";
import { volumesOf, type Volume } from "../guests/volumes";
import { vmlistOf } from "../guests/vmlist";
import { forkWorker, type Worker } from "../guests/worker";
import { archiveName, extractVzdumpConfig } from "./archives";
import { includedGuests } from "./jobs";
import { generateNotes, verifyNotesTemplate } from "./notes";
import { vzdumpPluginsOf } from "./plugins";
import { parseRetention, pruneBackups, type Retention } from "./prune";

/** `format_size`. */
function formatSize(size: number): string {
  const kb = size / 1024;
  if (kb < 1024) return `${Math.trunc(kb)}KB`;
  const mb = size / (1024 * 1024);
  if (mb < 1024) return `${Math.trunc(mb)}MB`;
  const gb = mb / 1024;
  if (gb < 1024) return `${gb.toFixed(2)}GB`;
  return `${(gb / 1024).toFixed(2)}TB`;
}

/** `format_time`. */
function formatTime(seconds: number): string {
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
}

/** `compressor_info`: the archive's compression extension. */
function compressionExt(compress: string): string | undefined {
  if (!compress || compress === "0") return undefined;
  if (compress === "1" || compress === "lzo") return "lzo";
  if (compress === "gzip") return "gz";
  return "zst";
}

/** `strftime("%F %H:%M:%S", localtime)` (UTC in the simulator). */
function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

/** What one run of vzdump does, after the request's checks. */
interface VzdumpJob {
  readonly node: string;
  readonly auth: SimAuth;
  readonly vmids: number[];
  readonly skiplist: number[];
  readonly all: boolean;
  readonly mode: string;
  readonly storage: string;
  readonly compress: string;
  readonly notesTemplate?: string;
  readonly protected: boolean;
  readonly retention?: Retention;
  readonly removeOld: boolean;
  readonly lockwaitMinutes: number;
  readonly cmdline: string;
}

/** `command_line`: `vzdump <vmids> --key value ...` (keys in sorted order here; PVE's are in hash order). */
function commandLine(params: Readonly<Record<string, unknown>>): string {
  let cmd = "vzdump";
  if (params.vmid !== undefined) cmd += ` ${splitList(String(params.vmid)).join(" ")}`;
  for (const key of Object.keys(params).sort()) {
    if (["id", "vmid", "starttime", "dow", "stdout", "enabled", "job-id"].includes(key)) continue;
    const value = params[key];
    if (value === undefined || value === "") continue;
    const text = String(value);
    cmd += ` --${key} ${/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`}`;
  }
  return cmd;
}

/** Registers the vzdump endpoints. */
export function installVzdump(register: Register, ctx: SimContext): void {
  register("POST", "/nodes/{node}/vzdump", (req) => {
    const p = req.params;
    const node = String(p.node);
    const auth = req.auth;
    if (p.stdout) throw paramError({ stdout: "option is only allowed on the command line interface." });
    if (!isRoot(auth)) {
      for (const key of ["tmpdir", "dumpdir", "script", "job-id"]) if (p[key] !== undefined) throw paramError({ [key]: "Only root may set this option." });
      if (["bwlimit", "ionice", "performance"].some((k) => p[k] !== undefined)) checkPrivs(ctx, auth, "/", ["Sys.Modify"]);
      if (p["prune-backups"] !== undefined && p.dumpdir === undefined)
        checkPrivs(ctx, auth, `/storage/${String(p.storage ?? "local")}`, ["Datastore.Allocate"]);
    }
    if (p.all && p.vmid !== undefined) throw paramError({ all: "option conflicts with option 'vmid'" });
    if (p.exclude !== undefined && p.vmid !== undefined) throw paramError({ exclude: "option conflicts with option 'vmid'" });
    if (p.pool !== undefined && p.vmid !== undefined) throw paramError({ pool: "option conflicts with option 'vmid'" });
    const retention = typeof p["prune-backups"] === "string" ? parseRetention(p["prune-backups"]) : undefined;
    const template = typeof p["notes-template"] === "string" ? p["notes-template"] : undefined;
    if (template) {
      try {
        verifyNotesTemplate(template);
      } catch (err) {
        throw paramError({ "notes-template": err instanceof Error ? err.message : String(err) });
      }
    }
    const all = Boolean(p.all) || (p.exclude !== undefined && p.pool === undefined);
    if (!(all || p.stop || p.pool !== undefined) && p.vmid === undefined) throw paramError({ vmid: "property is missing" });
    if (p.stop) throw new SimError(501, "stopping running backup jobs (vzdump 'stop') is not modelled by the simulator");
    if (p.dumpdir !== undefined) throw new SimError(501, "vzdump to a 'dumpdir' is not modelled by the simulator (use a storage)");
    const perNode = includedGuests(ctx, {
      ...(p.vmid !== undefined ? { vmid: String(p.vmid) } : {}),
      ...(all ? { all: 1 } : {}),
      ...(p.exclude !== undefined ? { exclude: String(p.exclude) } : {}),
      ...(p.pool !== undefined ? { pool: String(p.pool) } : {}),
    });
    const local = [...(perNode.get(node) ?? []), ...(perNode.get("") ?? [])];
    const skiplist = [...perNode].filter(([n]) => n !== node && n !== "").flatMap(([, ids]) => ids);
    if (!local.length && !all) return "OK";
    const storage = String(p.storage ?? "local");
    checkPrivs(ctx, auth, `/storage/${storage}`, ["Datastore.AllocateSpace"]);
    const job: VzdumpJob = {
      node,
      auth,
      vmids: local,
      skiplist,
      all,
      storage,
      mode: String(p.mode ?? "snapshot"),
      compress: String(p.compress ?? "0"),
      ...(template !== undefined ? { notesTemplate: template } : {}),
      protected: Boolean(p.protected),
      ...(retention ? { retention } : {}),
      removeOld: p.remove === undefined ? true : Boolean(p.remove),
      lockwaitMinutes: typeof p.lockwait === "number" ? p.lockwait : 180,
      cmdline: commandLine(p),
    };
    return forkWorker(ctx, auth, { node, type: "vzdump", id: local.length === 1 ? String(local[0]) : "" }, (worker) => runVzdump(ctx, job, worker));
  });

  register("GET", "/nodes/{node}/vzdump/extractconfig", (req) => {
    const volume = String(req.params.volume);
    checkVolumeAccess(ctx, req.auth, undefined, volume, "backup");
    if (parseVolumeId(volume, true)) {
      const { vmid } = parseVolname(ctx, volume);
      checkPrivs(ctx, req.auth, `/vms/${vmid ?? ""}`, ["VM.Backup"]);
    }
    return extractVzdumpConfig({ ctx, node: String(req.params.node) }, volume);
  });
}

/** `PVE::VZDump->new` + `getlock` + `exec_backup`. */
async function runVzdump(ctx: SimContext, job: VzdumpJob, worker: Worker): Promise<void> {
  const info = (msg: string): void => {
    for (const line of msg.replace(/\n$/, "").split("\n")) worker.log(`INFO: ${line}`);
  };
  const env: StorageEnv = { ctx, node: job.node };
  try {
    storageCheckEnabled(ctx, job.storage, job.node);
  } catch (err) {
    throw pveDie(`could not activate storage '${job.storage}': ${err instanceof Error ? err.message.replace(/\n$/, "") : String(err)}`);
  }
  const scfg = storageConfig(ctx, job.storage);
  if (!contentOf(scfg).has("backup"))
    throw pveDie(`could not get storage information for '${job.storage}': can't use storage '${job.storage}' for backups - wrong content type`);
  if (scfg.type === "pbs") throw pveDie("backups to a Proxmox Backup Server storage are not modelled by the simulator");
  const retention = job.retention ?? (scfg["prune-backups"] !== undefined ? parseRetention(String(scfg["prune-backups"])) : { "keep-all": 1 });
  const removeOld = job.removeOld && !retention["keep-all"];
  const lockId = `${job.node}:/var/run/vzdump.lock`;
  const exec = async (): Promise<void> => {
    info(`starting new backup job: ${job.cmdline}`);
    if (job.skiplist.length) info(`skip external VMs: ${[...job.skiplist].sort((a, b) => a - b).join(", ")}`);
    const tasks: { vmid: number; type?: "qemu" | "lxc" }[] = [];
    for (const vmid of [...job.vmids].sort((a, b) => a - b)) {
      const entry = vmlistOf(ctx).get(vmid);
      if (entry) {
        if (!hasPriv(ctx, job.auth, `/vms/${vmid}`, "VM.Backup")) {
          if (job.all) continue;
          checkPrivs(ctx, job.auth, `/vms/${vmid}`, ["VM.Backup"]);
        }
      }
      tasks.push({ vmid, ...(entry ? { type: entry.type } : {}) });
    }
    let errors = 0;
    for (const task of tasks) if (!(await backupGuest(ctx, env, job, retention, removeOld, task.vmid, task.type, worker, info))) errors++;
    info(errors ? "Backup job finished with errors" : "Backup job finished successfully");
    if (errors) throw pveDie("job errors");
  };
  try {
    await ctx.withLock(lockId, exec, { timeoutMs: 0 });
  } catch (err) {
    if (!(err instanceof Error) || !/^can't lock file '\/var\/run\/vzdump\.lock' - got timeout/.test(err.message)) throw err;
    info("trying to get global lock - waiting...");
    try {
      await ctx.withLock(
        lockId,
        async () => {
          info("got global lock");
          await exec();
        },
        { timeoutMs: job.lockwaitMinutes * 60_000 },
      );
    } catch (inner) {
      if (inner instanceof Error && /^can't lock file '\/var\/run\/vzdump\.lock' - got timeout/.test(inner.message))
        throw pveDie("can't acquire lock '/var/run/vzdump.lock' - got timeout");
      throw inner;
    }
  }
}

/** `exec_backup_task` for one guest; whether it succeeded. */
async function backupGuest(
  ctx: SimContext,
  env: StorageEnv,
  job: VzdumpJob,
  retention: Retention,
  removeOld: boolean,
  vmid: number,
  type: "qemu" | "lxc" | undefined,
  worker: Worker,
  info: (msg: string) => void,
): Promise<boolean> {
  const plugin = type === undefined ? undefined : vzdumpPluginsOf(ctx).get(type);
  const node = job.node;
  const started = ctx.now();
  let locked = false;
  let restart = false;
  let snapshotTaken = false;
  try {
    if (!plugin) throw pveDie(`unable to find VM '${vmid}'`);
    if (job.mode === "stop" && haStateOf(ctx).resources.get(sidOf(plugin.type, vmid))?.state === "started") {
      throw pveDie("Cannot execute a backup with stop mode on a HA managed and enabled Service. Use snapshot mode or disable the Service.");
    }
    const limit = retention["keep-all"] ? 0 : Object.values(retention).reduce((a, b) => a + b, 0);
    if ((limit && !removeOld) || job.protected) {
      const backups = volumesOf(ctx)
        .list(locationOf(ctx, job.storage, node))
        .filter((v) => v.vtype === "backup" && v.vmid === vmid && v.volname.includes(`vzdump-${plugin.type}-`));
      const protectedCount = backups.filter((v) => v.protected).length;
      if (job.protected) {
        const max = storageConfig(ctx, job.storage)["max-protected-backups"];
        const maxProtected = max !== undefined ? Number(max) : hasPriv(ctx, job.auth, `/storage/${job.storage}`, "Datastore.Allocate") ? -1 : 5;
        if (maxProtected > -1 && protectedCount >= maxProtected)
          throw pveDie(`The number of protected backups per guest is limited to ${maxProtected} on storage '${job.storage}'`);
      } else if (backups.length - protectedCount >= limit) {
        throw pveDie(
          `There is a max backup limit of ${limit} enforced by the target storage or the vzdump parameters. Either increase the limit or delete old backups.`,
        );
      }
    }
    const ext = compressionExt(job.compress);
    const name = archiveName(plugin.type, vmid, started, ext);
    info(`Starting Backup of VM ${vmid} (${plugin.type})`);
    info(`Backup started at ${timestamp(ctx.now())}`);
    const running = plugin.isRunning(node, vmid);
    info(`status = ${running ? "running" : "stopped"}`);
    await plugin.lock(node, vmid);
    locked = true;
    let mode = running ? job.mode : "stop";
    let prepared;
    if (mode === "snapshot") {
      try {
        prepared = plugin.prepare(node, vmid, mode, info);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (!/^mode failure/.test(message)) throw err;
        info(message);
        info("trying 'suspend' mode instead");
        mode = "suspend";
      }
    }
    prepared ??= plugin.prepare(node, vmid, mode, info);
    info(`backup mode: ${mode}`);
    info("ionice priority: 7");
    if (mode === "stop" && running) {
      info("stopping virtual guest");
      await plugin.stop(node, vmid, worker);
      restart = true;
    } else if (mode === "suspend") {
      info("suspending guest");
      if (plugin.type === "lxc") {
        info("resuming guest");
        info("guest is online again after <1 seconds");
      }
    } else if (mode === "snapshot" && plugin.type === "lxc") {
      await plugin.snapshot(node, vmid, worker);
      snapshotTaken = true;
    }
    const archive = plugin.assemble(node, vmid, info);
    const volname = `backup/${name}`;
    const stub: Volume = {
      storage: job.storage,
      volname,
      vtype: "backup",
      format: name.replace(/^[^.]+\./, ""),
      size: 0,
      ctime: Math.floor(started / 1000),
      isBase: false,
      snapshots: [],
      vmid,
    };
    info(`creating vzdump archive '${volumePath(ctx, stub)}'`);
    await worker.spend(1);
    const size = Math.max(1024, Math.floor(prepared.dataBytes / (ext ? 12 : 4)) + archive.config.length);
    volumesOf(ctx).put(locationOf(ctx, job.storage, node), { ...stub, size, archive });
    info(`archive file size: ${formatSize(size)}`);
    const volume = volumesOf(ctx).get(locationOf(ctx, job.storage, node), volname) as Volume;
    if (job.notesTemplate) {
      info("adding notes to backup");
      const notes = generateNotes(job.notesTemplate, { vmid, node, ...(prepared.hostname !== undefined ? { hostname: prepared.hostname } : {}) });
      if (notes !== "") volume.notes = notes;
    }
    if (job.protected) {
      info("marking backup as protected");
      volume.protected = true;
    }
    if (removeOld) {
      info(
        `prune older backups with retention: ${Object.keys(retention)
          .sort()
          .map((k) => `${k}=${retention[k]}`)
          .join(", ")}`,
      );
      const pruned = await pruneBackups(env, job.storage, retention, vmid, plugin.type, false, info);
      const count = pruned.filter((e) => e.mark === "remove").length;
      info(`pruned ${count} backup(s)${count > 0 ? " not covered by keep-retention policy" : ""}`);
    }
  } catch (err) {
    await cleanup();
    const message = err instanceof Error ? err.message.replace(/\n$/, "") : String(err);
    worker.log(`ERROR: Backup of VM ${vmid} failed - ${message}`);
    info(`Failed at ${timestamp(ctx.now())}`);
    return false;
  }
  await cleanup();
  info(`Finished Backup of VM ${vmid} (${formatTime(Math.floor((ctx.now() - started) / 1000))})`);
  info(`Backup finished at ${timestamp(ctx.now())}`);
  return true;

  async function cleanup(): Promise<void> {
    if (!plugin) return;
    if (locked) await plugin.unlock(node, vmid).catch((e: unknown) => worker.log(e instanceof Error ? e.message.replace(/\n$/, "") : String(e)));
    if (snapshotTaken)
      await plugin
        .cleanupSnapshot(node, vmid, worker)
        .catch((e: unknown) => worker.log(`snapshot 'vzdump' was not (fully) removed - ${e instanceof Error ? e.message : String(e)}`));
    if (restart && !plugin.isRunning(node, vmid)) {
      info("restarting vm");
      await plugin.start(node, vmid, worker).catch((e: unknown) => worker.log(e instanceof Error ? e.message.replace(/\n$/, "") : String(e)));
      info("guest is online again after <1 seconds");
    }
  }
}
