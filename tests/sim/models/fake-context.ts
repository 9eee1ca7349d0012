/**
 * A minimal SimContext for unit-testing handlers without the HTTPS core: tasks run their work
 * at once (awaitable through `settle`), locks are recorded, permissions always pass.
 */
import { SimError, type HttpMethod, type SimAuth, type SimContext, type SimHandler, type SimModel } from "../types";

/** A task the fake started, with its outcome once `settle` has run. */
export interface FakeTask {
  readonly upid: string;
  readonly node: string;
  readonly type: string;
  readonly id: string;
  readonly log: string[];
  status?: string;
}

/** The fake context plus what tests inspect and a way to call handlers like the core does. */
export interface FakeSim {
  readonly ctx: SimContext;
  readonly tasks: FakeTask[];
  readonly locks: string[];
  /** Advances the fake clock. */
  advance(ms: number): void;
  /** Waits for every started task to finish. */
  settle(): Promise<void>;
  /** Calls the handler registered for `method template` with the given params, as root@pam. */
  call(method: HttpMethod, template: string, params?: Record<string, unknown>, path?: string): Promise<unknown>;
  /** The same calls made as `auth` (e.g. one of root's API tokens). */
  as(auth: SimAuth): Pick<FakeSim, "call">;
}

const ROOT: SimAuth = { userid: "root@pam", via: "ticket" };

/** Builds a fake simulator with `models` installed on nodes `pve1..pve3`. */
export function fakeSim(models: readonly SimModel[], nodes: readonly string[] = ["pve1", "pve2", "pve3"]): FakeSim {
  let clock = Date.UTC(2026, 0, 1);
  let pid = 0x1000;
  const tasks: FakeTask[] = [];
  const locks: string[] = [];
  const pending: Promise<void>[] = [];
  const handlers = new Map<string, SimHandler>();

  const ctx: SimContext = {
    nodes,
    now: () => clock,
    startTask(options) {
      pid += 1;
      const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, "0");
      const user = options.auth.tokenid ? `${options.auth.userid}!${options.auth.tokenid}` : options.auth.userid;
      const upid = `UPID:${options.node}:${hex(pid, 8)}:${hex(pid * 7, 8)}:${hex(Math.floor(clock / 1000), 8)}:${options.type}:${options.id ?? ""}:${user}:`;
      const task: FakeTask = { upid, node: options.node, type: options.type, id: options.id ?? "", log: [] };
      tasks.push(task);
      pending.push(
        (async () => {
          try {
            const result = await options.work((line) => task.log.push(line));
            const warnings = result && typeof result === "object" ? (result.warnings ?? 0) : 0;
            task.status = warnings > 0 ? `WARNINGS: ${warnings}` : "OK";
          } catch (err) {
            task.status = err instanceof Error ? err.message : String(err);
          }
        })(),
      );
      return upid;
    },
    async withLock(lockId, fn) {
      locks.push(lockId);
      return await fn();
    },
    checkPermission() {},
    taskDurationMs: () => 0,
    taskExitStatus: (upid) => tasks.find((t) => t.upid === upid)?.status,
  };

  for (const model of models) {
    model.install((method, template, handler) => {
      const key = `${method} ${template}`;
      if (handlers.has(key)) throw new Error(`${key} registered twice`);
      handlers.set(key, handler);
    }, ctx);
  }

  const callAs = async (auth: SimAuth, method: HttpMethod, template: string, params: Record<string, unknown> = {}, path = template): Promise<unknown> => {
    const handler = handlers.get(`${method} ${template}`);
    if (!handler) throw new SimError(501, `Method '${method} ${path}' not implemented`);
    return await handler({ method, template, path, params, auth }, ctx);
  };

  return {
    ctx,
    tasks,
    locks,
    advance(ms) {
      clock += ms;
    },
    async settle() {
      while (pending.length > 0) await pending.shift();
    },
    call: (method, template, params, path) => callAs(ROOT, method, template, params, path),
    as: (auth) => ({ call: (method, template, params, path) => callAs(auth, method, template, params, path) }),
  };
}
