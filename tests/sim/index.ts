/**
 * The strict HTTPS simulator of Proxmox VE 9.2: `startSimulator()` seeds a cluster
 * (`pve1..pveN`, root@pam, built-in roles, pam/pve realms), installs the access model, the
 * system and task endpoints and every state model of `./models`, and serves `/api2/json`.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { SimAuth, SimContext, SimModel } from "./types";
import { accessModel } from "./models/access";
import { AccessStore } from "./models/access/store";
import { isPrivilege } from "./models/access/privileges";
import type { SimClock } from "./core/clock";
import { createClock } from "./core/clock";
import type { FaultRule } from "./core/faults";
import { FaultInjector, loadFaultFile } from "./core/faults";
import { setPrivilegeCheck } from "../../schema/pve-formats";
import type { LockTimeouts, LockUsage } from "./core/locks";
import { LockManager } from "./core/locks";
import { PermissionEngine } from "./core/permissions";
import { createPrng } from "./core/prng";
import { HandlerRegistry } from "./core/registry";
import { handleRequest } from "./core/server";
import { systemModel } from "./core/system-model";
import { TaskManager } from "./core/tasks";
import { tasksModel } from "./core/tasks-model";
import { TicketSigner } from "./core/tickets";
import { makeCertificate } from "./core/tls";
import { WorkerPools, type WorkerUsage } from "./core/workers";
import { models as stateModels } from "./models";
import { accessStoreOf } from "./models/guests/access";
import { nextIdRange } from "./models/guests/datacenter";
import { vmlistOf } from "./models/guests/vmlist";

export type { FaultAction, FaultRule } from "./core/faults";
export type { SimClock } from "./core/clock";
export type { WorkerUsage } from "./core/workers";
export type { LockUsage } from "./core/locks";
export { PRIVILEGES, BUILTIN_ROLES, isPrivilege } from "./models/access/privileges";
export { totpCode } from "./core/tickets";

/** How to start the simulator. */
export interface SimulatorOptions {
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Port (default 0 = random). */
  port?: number;
  /** Number of nodes `pve1..pveN` (default 3). */
  nodes?: number;
  /** The cluster's name in `/cluster/status` (default `sim`). */
  clusterName?: string;
  /** root@pam's password (random when absent). */
  rootPassword?: string;
  /** `user@realm!id=SECRET`: seeded with privsep off; the user is created (with Administrator on `/`) if missing. */
  apiToken?: string;
  /** Added latency per request, in ms. */
  latencyMs?: number;
  /** Fault rules, or a JSON/YAML file holding them. */
  faults?: FaultRule[] | string;
  /** Seed of the PRNG behind fault probabilities and generated ids (default 1). */
  seed?: number;
  /** How long worker tasks run, in ms (default 200). */
  taskDurationMs?: number;
  /** Duration of one task (ms) when its model sets none; undefined falls back to `taskDurationMs`. */
  taskDuration?: (task: { node: string; type: string; id: string }) => number | undefined;
  /**
   * Handler time of every request in ms (default 0), spent holding its worker and, when the
   * handler takes a lock (a write to a cluster file or guest), holding that lock as on PVE.
   */
  serviceMs?: number;
  /** Workers per node and daemon (pveproxy/pvedaemon; default 3). */
  workersPerNode?: number;
  /** Delay of 401 answers (PVE: 3000 ms; tests pass 0). Default 3000. */
  authFailureDelayMs?: number;
  /** State models to install (default: all of `./models`). */
  models?: SimModel[];
  /** pveproxy's proxy inactivity timeout before 596 (default 30000 ms). */
  syncTimeoutMs?: number;
  /** Lock acquire timeouts (default 10000 ms each). */
  lockTimeouts?: Partial<LockTimeouts>;
}

/** A running simulator. */
export interface Simulator {
  /** `https://127.0.0.1:PORT` */
  readonly endpoint: string;
  readonly port: number;
  /** SHA-256 fingerprint of the certificate, `AA:BB:...`. */
  readonly fingerprint: string;
  /** The certificate (self-signed, usable as the CA bundle), PEM. */
  readonly caCert: string;
  readonly rootPassword: string;
  /** The seeded token, full `user@realm!id=secret`. */
  readonly apiToken?: string;
  /** The cluster's node names (`pve1`, `pve2`, ...). */
  readonly nodes: readonly string[];
  readonly clock: SimClock;
  readonly faults: { add(rule: FaultRule): void; clear(): void };
  /** Every request answered so far (rel path, final status). */
  readonly requests: ReadonlyArray<{ method: string; path: string; status: number }>;
  /** How long each worker pool has been busy so far: the server-side work, for benchmarks. */
  workerUsage(): WorkerUsage[];
  /** How long each lock was held so far: writes under one lock are one chain, for benchmarks. */
  lockUsage(): LockUsage[];
  /** When a task stopped (`performance.now()` of this process), undefined while it runs. */
  taskEndedAt(upid: string): number | undefined;
  close(): Promise<void>;
}

/** Seeds the `--api-token` / `apiToken` option into the store. */
function seedToken(store: AccessStore, spec: string): void {
  const m = /^([^!]+)!([^=]+)=(.+)$/.exec(spec);
  if (!m?.[1] || !m[2] || !m[3]) throw new Error(`apiToken must look like 'user@realm!id=SECRET', got '${spec}'`);
  const [, userid, tokenid, secret] = m;
  if (!store.users.has(userid)) {
    store.addUser(userid);
    store.aclNode("/").users.set(userid, new Map([["Administrator", 1]]));
  }
  store.addToken(userid, tokenid, { privsep: 0, secret });
}

/** Starts the simulator. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? "127.0.0.1";
  const nodes = Array.from({ length: options.nodes ?? 3 }, (_, i) => `pve${i + 1}`);
  const rng = createPrng(options.seed ?? 1);
  const clock = createClock();
  const rootPassword = options.rootPassword ?? randomBytes(12).toString("base64url");
  const store = new AccessStore(rootPassword);
  if (options.apiToken) seedToken(store, options.apiToken);
  setPrivilegeCheck(isPrivilege);
  const cert = await makeCertificate(host);
  const signer = new TicketSigner(cert.key);
  const perms = new PermissionEngine(store);
  const tasks = new TaskManager(clock, rng, nodes, options.taskDurationMs ?? 200, options.taskDuration);
  const locks = new LockManager({ cfsMs: 10_000, flockMs: 10_000, ...options.lockTimeouts });
  const faults = new FaultInjector(rng);
  const rules = typeof options.faults === "string" ? loadFaultFile(options.faults) : (options.faults ?? []);
  for (const rule of rules) faults.add(rule);
  const subject = (auth: SimAuth): string => (auth.tokenid ? `${auth.userid}!${auth.tokenid}` : auth.userid);

  const ctx: SimContext = {
    nodes,
    // The served certificate is self-signed with the CA flag: it is this cluster's root CA.
    rootCa: cert.cert,
    now: () => clock.now(),
    startTask: (o) => tasks.start(o),
    withLock: (lockId, fn, lockOptions) => locks.withLock(lockId, fn, lockOptions),
    taskDurationMs: (task) => tasks.durationFor(task),
    taskExitStatus: (upid) => tasks.get(upid)?.exitstatus,
    checkPermission: (auth, path, priv) => void perms.check(subject(auth), path, [priv], false),
  };
  accessStoreOf.provide(ctx, store);
  const registry = new HandlerRegistry();
  const installed: SimModel[] = [
    systemModel({
      fingerprint: cert.fingerprint,
      clusterName: options.clusterName ?? "sim",
      usedVmids: () => vmlistOf(ctx).vmids(),
      nextIdRange: () => nextIdRange(ctx),
    }),
    tasksModel(tasks),
    accessModel({ store, signer, perms, clock }),
    ...(options.models ?? stateModels),
  ];
  for (const model of installed) model.install((method, template, handler) => registry.register(model.name, method, template, handler), ctx);

  const requests: { method: string; path: string; status: number }[] = [];
  const workers = new WorkerPools(options.workersPerNode ?? 3);
  const deps = {
    nodes,
    clock,
    store,
    signer,
    perms,
    registry,
    workers,
    faults,
    ctx,
    latencyMs: options.latencyMs ?? 0,
    serviceMs: options.serviceMs ?? 0,
    authFailureDelayMs: options.authFailureDelayMs ?? 3000,
    syncTimeoutMs: options.syncTimeoutMs ?? 30_000,
    record: (e: { method: string; path: string; status: number }) => requests.push(e),
  };
  const server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => void handleRequest(deps, req, res));
  // PVE's AnyEvent server closes idle keep-alive connections after 5 s.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const sim: Simulator = {
    endpoint: `https://${host}:${port}`,
    port,
    fingerprint: cert.fingerprint,
    caCert: cert.cert,
    rootPassword,
    nodes,
    clock,
    faults: { add: (r) => faults.add(r), clear: () => faults.clear() },
    requests,
    workerUsage: () => workers.usage(),
    lockUsage: () => locks.usage(),
    taskEndedAt: (upid) => tasks.get(upid)?.endedAtMs,
    close: () =>
      new Promise<void>((resolve) => {
        tasks.shutdown();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return options.apiToken ? { ...sim, apiToken: options.apiToken } : sim;
}
