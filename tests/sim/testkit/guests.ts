/**
 * Helpers for the guest models' tests: a simulator with the cluster, storage, guests, qemu,
 * container and backup models, raw calls with root's token (GET/DELETE parameters in the query, others as a form),
 * and worker calls awaited to their exit status and log.
 */
import type { Simulator, SimulatorOptions } from "../index";
import { backupModel } from "../models/backup";
import { clusterModel } from "../models/cluster";
import { guestsModel } from "../models/guests";
import { lxcModel, type LxcModelOptions } from "../models/lxc";
import { DEFAULT_TEMPLATE } from "../models/lxc/deps";
import { qemuModel, type QemuModelOptions } from "../models/qemu";
import { storageModel } from "../models/storage";
import { raw, TEST_TOKEN, waitTask, type Credentials, type RawReply } from "./raw";
import { useSimulator } from "./sim";

/** root@pam's seeded token. */
export const ROOT: Credentials = { token: TEST_TOKEN };

/** A simulator for a test file with the guest models installed. */
export function useGuestSimulator(options: SimulatorOptions & { qemu?: QemuModelOptions; lxc?: LxcModelOptions } = {}): () => Simulator {
  const { qemu, lxc, ...rest } = options;
  return useSimulator({ models: [clusterModel(), storageModel(), guestsModel(), qemuModel(qemu), lxcModel(lxc), backupModel()], taskDurationMs: 20, ...rest });
}

/** Parameters of a call: arrays repeat the key. */
export type Params = Record<string, string | number | readonly string[]>;

/**
 * One call; GET and DELETE send their parameters in the query, like PVE requires. A body with an
 * empty value goes as JSON, as our client sends it: PVE's form decoding drops `k=`.
 */
export function api(sim: Simulator, method: string, path: string, params: Params = {}, auth: Credentials = ROOT): Promise<RawReply> {
  if (method === "GET" || method === "DELETE") return raw(sim, method, path, { auth, query: params });
  return raw(sim, method, path, Object.values(params).includes("") ? { auth, json: params } : { auth, form: params });
}

/** A finished worker: its UPID, exit status and log lines. */
export interface TaskRun {
  readonly upid: string;
  readonly status: string;
  readonly log: string[];
}

/** Waits for the task `upid` and reads its whole log. */
export async function finish(sim: Simulator, upid: string, auth: Credentials = ROOT): Promise<TaskRun> {
  const status = await waitTask(sim, auth, upid);
  const node = upid.split(":")[1] ?? "";
  const log = await raw(sim, "GET", `/nodes/${node}/tasks/${encodeURIComponent(upid)}/log`, { auth, query: { limit: 0 } });
  return { upid, status, log: ((log.json?.data ?? []) as { t: string }[]).map((line) => line.t) };
}

/** A call that must answer 200 with a UPID, awaited. */
export async function run(sim: Simulator, method: string, path: string, params: Params = {}, auth: Credentials = ROOT): Promise<TaskRun> {
  const reply = await api(sim, method, path, params, auth);
  if (reply.status !== 200 || typeof reply.json?.data !== "string") throw new Error(`${method} ${path}: ${reply.status} ${reply.reason}`);
  return finish(sim, reply.json.data, auth);
}

/** Creates VM `vmid` on `node` and waits for `qmcreate`; throws unless it ends OK. */
export async function createVm(sim: Simulator, vmid: number, params: Params = {}, node = "pve1"): Promise<TaskRun> {
  const done = await run(sim, "POST", `/nodes/${node}/qemu`, { vmid, ...params });
  if (done.status !== "OK") throw new Error(`create ${vmid}: ${done.status}`);
  return done;
}

/** Creates container `vmid` on `node` from the default template (rootfs on local-lvm) and waits for `vzcreate`. */
export async function createCt(sim: Simulator, vmid: number, params: Params = {}, node = "pve1"): Promise<TaskRun> {
  const done = await run(sim, "POST", `/nodes/${node}/lxc`, { vmid, ostemplate: DEFAULT_TEMPLATE, storage: "local-lvm", ...params });
  if (done.status !== "OK") throw new Error(`create CT ${vmid}: ${done.status}`);
  return done;
}

/** The data of a 200 reply (throws on anything else). */
export async function data<T>(reply: Promise<RawReply>): Promise<T> {
  const r = await reply;
  if (r.status !== 200) throw new Error(`${r.status} ${r.reason}`);
  return r.json?.data as T;
}
