/** Locks, worker capacity and the 596 proxy timeout, and fault injection. */
import { describe, expect, it } from "vitest";
import { LockManager } from "./core/locks";
import { startSimulator } from "./index";
import { testTaskModel } from "./testkit/task-model";
import type { TestTaskPlan } from "./testkit/task-model";
import { raw, TEST_TOKEN, waitTask } from "./testkit/raw";
import { useSimulator } from "./testkit/sim";

const plan: { current: TestTaskPlan } = { current: { lines: ["x"], pauseMs: 0 } };
const slow = { ms: 0, done: 0 };
const sim = useSimulator({ models: [testTaskModel(plan, slow)], syncTimeoutMs: 150, workersPerNode: 1, seed: 7 });
const root = { token: TEST_TOKEN };

describe("locks", () => {
  it("times out with PVE's flock and cfs-lock messages", async () => {
    const locks = new LockManager({ cfsMs: 30, flockMs: 30 });
    let release!: () => void;
    const held = locks.withLock("lock-100.conf", () => new Promise<void>((r) => (release = r)));
    await expect(locks.withLock("lock-100.conf", () => 1)).rejects.toThrow("can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout");
    const cfsHeld = locks.withLock("file-user_cfg", () => new Promise<void>((r) => setTimeout(r, 100)));
    await expect(locks.withLock("file-user_cfg", () => 1)).rejects.toThrow("cfs-lock 'file-user_cfg' error: got lock request timeout");
    release();
    await held;
    await cfsHeld;
    expect(await locks.withLock("lock-100.conf", () => 2)).toBe(2);
  });

  it("serializes holders of the same lock", async () => {
    const locks = new LockManager({ cfsMs: 1000, flockMs: 1000 });
    const order: string[] = [];
    const slowOne = locks.withLock("domain-sdn", async () => {
      await new Promise((r) => setTimeout(r, 30));
      order.push("first");
    });
    const fast = locks.withLock("domain-sdn", () => order.push("second"));
    await Promise.all([slowOne, fast]);
    expect(order).toEqual(["first", "second"]);
  });
});

describe("capacity", () => {
  it("answers 596 Connection timed out with an empty body when a protected call is too slow, and the operation still completes", async () => {
    slow.ms = 400;
    const before = slow.done;
    const r = await raw(sim(), "POST", "/nodes/pve2/apt/repositories", { auth: root, form: { path: "/etc/apt/sources.list", index: 0 } });
    expect([r.status, r.reason, r.text]).toEqual([596, "Connection timed out", ""]);
    for (let i = 0; i < 100 && slow.done === before; i++) await new Promise((res) => setTimeout(res, 20));
    expect(slow.done).toBe(before + 1);
    slow.ms = 0;
  });

  it("queues requests beyond the node's workers instead of failing them", async () => {
    slow.ms = 60;
    const before = slow.done;
    const replies = await Promise.all([1, 2, 3].map(() => raw(sim(), "POST", "/nodes/pve3/apt/repositories", { auth: root, form: { path: "/x", index: 0 } })));
    // One daemon worker: the calls run one after another; the ones that waited longest exceed the proxy timeout.
    expect(replies.map((r) => r.status).sort()).toContain(200);
    for (let i = 0; i < 100 && slow.done < before + 3; i++) await new Promise((res) => setTimeout(res, 20));
    expect(slow.done).toBe(before + 3);
    slow.ms = 0;
  });
});

describe("handler time", () => {
  it("is spent holding the handler's cluster-file lock, so writes to one file run one at a time as on PVE", async () => {
    const serviceMs = 40;
    const timed = await startSimulator({ apiToken: TEST_TOKEN, authFailureDelayMs: 0, serviceMs });
    try {
      const auth = { token: TEST_TOKEN };
      await raw(timed, "GET", "/version", { auth });
      expect(timed.lockUsage()).toEqual([]); // a read takes no lock
      const replies = await Promise.all(["ga", "gb"].map((groupid) => raw(timed, "POST", "/access/groups", { auth, form: { groupid } })));
      expect(replies.map((r) => r.status)).toEqual([200, 200]);
      const [userCfg, ...others] = timed.lockUsage();
      expect(others).toEqual([]);
      expect(userCfg).toMatchObject({ lockId: "file-user_cfg", acquired: 2 });
      // Both handlers' time was spent under the lock, one after the other (timers never fire
      // more than a millisecond early; no upper bound is asserted).
      expect(userCfg?.heldMs).toBeGreaterThanOrEqual(2 * serviceMs - 2);
    } finally {
      await timed.close();
    }
  });
});

describe("faults", () => {
  it("injects a proxy status with an empty body", async () => {
    sim().faults.add({ path: "/version", times: 1, action: { type: "status", status: 595, message: "No route to host" } });
    const r = await raw(sim(), "GET", "/version", { auth: root });
    expect([r.status, r.reason, r.text]).toEqual([595, "No route to host", ""]);
    expect((await raw(sim(), "GET", "/version", { auth: root })).status).toBe(200);
  });

  it("answers 596 after the operation really happened (afterHandling)", async () => {
    sim().faults.add({ method: "POST", path: "/pools", times: 1, action: { type: "status", status: 596, afterHandling: true } });
    const r = await raw(sim(), "POST", "/pools", { auth: root, form: { poolid: "ghost" } });
    expect([r.status, r.reason]).toEqual([596, "Connection timed out"]);
    expect((await raw(sim(), "GET", "/pools/ghost", { auth: root })).status).toBe(200);
  });

  it("drops the connection", async () => {
    sim().faults.add({ path: "/version", times: 1, action: { type: "drop" } });
    await expect(raw(sim(), "GET", "/version", { auth: root })).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it("fails or hangs the tasks a request starts", async () => {
    sim().faults.add({ path: "/nodes/*/apt/update", times: 1, action: { type: "task-fail", message: "injected failure" } });
    const failed = (await raw(sim(), "POST", "/nodes/pve1/apt/update", { auth: root, form: {} })).json?.data as string;
    expect(await waitTask(sim(), root, failed)).toBe("injected failure");
    sim().faults.add({ path: "/nodes/*/apt/update", times: 1, action: { type: "task-hang" } });
    const hung = (await raw(sim(), "POST", "/nodes/pve1/apt/update", { auth: root, form: {} })).json?.data as string;
    await new Promise((r) => setTimeout(r, 100));
    const status = await raw(sim(), "GET", `/nodes/pve1/tasks/${encodeURIComponent(hung)}/status`, { auth: root });
    expect((status.json?.data as { status: string }).status).toBe("running");
    await raw(sim(), "DELETE", `/nodes/pve1/tasks/${encodeURIComponent(hung)}`, { auth: root });
  });

  it("makes the user.cfg lock time out with the caller's prefix", async () => {
    sim().faults.add({ path: "^/access/users$", method: "POST", times: 1, action: { type: "cfs-lock-timeout" } });
    const r = await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "locked@pve" } });
    expect([r.status, r.reason]).toEqual([500, "create user failed: cfs-lock 'file-user_cfg' error: got lock request timeout"]);
  });

  it("expires the ticket of a request", async () => {
    const login = await raw(sim(), "POST", "/access/ticket", { form: { username: "root@pam", password: "rootpw-123" } });
    const ticket = (login.json?.data as { ticket: string }).ticket;
    sim().faults.add({ path: "/version", times: 1, action: { type: "ticket-expiry" } });
    expect((await raw(sim(), "GET", "/version", { auth: { ticket } })).reason).toBe("Authentication failed!");
    expect((await raw(sim(), "GET", "/version", { auth: { ticket } })).status).toBe(200);
  });

  it("decides probabilities from the seed, the same way every run", async () => {
    const run = async (): Promise<number[]> => {
      const s = await startSimulator({
        seed: 42,
        models: [],
        authFailureDelayMs: 0,
        apiToken: TEST_TOKEN,
        faults: [{ path: "/version", probability: 0.5, action: { type: "status", status: 500, message: "flaky" } }],
      });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await raw(s, "GET", "/version", { auth: root })).status);
      await s.close();
      return statuses;
    };
    const [a, b] = [await run(), await run()];
    expect(a).toEqual(b);
    expect(new Set(a)).toEqual(new Set([200, 500]));
  });
});
