/**
 * The commit coordinator against the simulator's SDN (pve-network's lock semantics): whatever
 * happens to a batch, the SDN lock ends free and nothing of ours stays pending. Counts and
 * states, never time.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ProxmoxClient } from "../../provider/client";
import { CommitCoordinator, StagedApplyError } from "../../provider/engine/commit";
import type { WireParams } from "../../provider/engine";
import { SDN_COMMIT } from "../../schema/definitions/sdn/commit";
import { startSimulator, type Simulator } from "../sim";
import { sdnModel } from "../sim/models/sdn";

const sdn = sdnModel();
let sim: Simulator;
let api: ProxmoxClient;

beforeAll(async () => {
  sim = await startSimulator({
    nodes: 2,
    apiToken: "root@pam!t=0d5a8c3e-1111-4222-8333-944455556666",
    authFailureDelayMs: 0,
    taskDurationMs: 10,
    models: [sdn],
  });
  api = new ProxmoxClient({ endpoint: sim.endpoint, apiToken: sim.apiToken, fingerprint: sim.fingerprint, retryBaseDelayMs: 1, retryMaxDelayMs: 2 });
});
afterAll(async () => {
  api.close();
  await sim.close();
});
afterEach(async () => {
  sim.faults.clear();
  // Each test starts from an empty, applied, unlocked SDN.
  if (sdn.locked()) await api.delete("/cluster/sdn/lock", { force: 1 });
  await api.post("/cluster/sdn/rollback", {});
});

/** One staged write through the coordinator, as the lifecycle makes it. */
function write(coordinator: CommitCoordinator, path: string, params: WireParams): Promise<unknown> {
  return coordinator.staged(api, SDN_COMMIT, {}, (extra) => api.post(path, { ...params, ...extra }));
}

type Item = Record<string, unknown>;
const zones = async (view: "pending" | "running"): Promise<Item[]> => api.get<Item[]>("/cluster/sdn/zones", { [view]: 1 });
const pending = async (): Promise<string[]> => (await zones("pending")).filter((z) => z["state"] !== undefined).map((z) => String(z["zone"]));

describe("SDN commit coordinator against pve-network's semantics", () => {
  it("an apply releases the lock it took (release-lock is sent: PVE applies no default)", async () => {
    const coordinator = new CommitCoordinator(5);
    await Promise.all([
      write(coordinator, "/cluster/sdn/zones", { zone: "za", type: "simple" }),
      write(coordinator, "/cluster/sdn/zones", { zone: "zb", type: "simple" }),
    ]);
    expect(sdn.locked()).toBe(false);
    expect(await pending()).toEqual([]);
    expect((await zones("running")).map((z) => z["zone"])).toEqual(["za", "zb"]);
    // Anyone (the GUI included) can edit again.
    await api.post("/cluster/sdn/zones", { zone: "gui", type: "simple" });
  });

  it("a batch whose only write is refused applies nothing and gives the lock back", async () => {
    const coordinator = new CommitCoordinator(60_000);
    const reloads = sdn.reloads();
    // The refusal is reported once the batch settled: the flush settles it without the quiet period.
    const refused = expect(write(coordinator, "/cluster/sdn/zones", { zone: "zv", type: "vlan" })).rejects.toMatchObject({ kind: "server" });
    await coordinator.flush();
    await refused;
    expect(sdn.locked()).toBe(false);
    expect(sdn.reloads()).toBe(reloads);
  });

  it("a refused write does not hold back the others of its batch: they are applied, the lock released", async () => {
    const coordinator = new CommitCoordinator(5);
    const results = await Promise.allSettled([
      write(coordinator, "/cluster/sdn/zones", { zone: "ok1", type: "simple" }),
      write(coordinator, "/cluster/sdn/zones", { zone: "ok1", type: "simple" }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(sdn.locked()).toBe(false);
    expect(await pending()).toEqual([]);
  });

  it("a failed reload task is a StagedApplyError; PVE had committed and released already", async () => {
    const coordinator = new CommitCoordinator(5);
    sim.faults.add({ method: "PUT", path: "/cluster/sdn", times: 1, action: { type: "task-fail", message: "pve2: reload failed" } });
    const error = await write(coordinator, "/cluster/sdn/zones", { zone: "edge", type: "simple" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StagedApplyError);
    expect((error as Error).message).toMatch(/after PVE had committed them: .*pve2: reload failed/);
    expect(sdn.locked()).toBe(false);
    expect(await pending()).toEqual([]);
    expect((await zones("running")).map((z) => z["zone"])).toContain("edge");
  });

  it("an apply PVE refuses rolls our own edits back and releases the lock", async () => {
    const coordinator = new CommitCoordinator(5);
    sim.faults.add({
      method: "PUT",
      path: "/cluster/sdn",
      times: 1,
      action: { type: "status", status: 500, message: "could not commit SDN config: cfs-lock 'domain-sdn' error: no quorum!" },
    });
    const error = await write(coordinator, "/cluster/sdn/zones", { zone: "mine", type: "simple" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StagedApplyError);
    expect((error as Error).message).toMatch(/rolled back and the lock released/);
    expect(sdn.locked()).toBe(false);
    expect(await pending()).toEqual([]);
    expect((await zones("pending")).map((z) => z["zone"])).not.toContain("mine");
  });

  it("with someone else's changes pending, a refused apply releases the lock and leaves both pending (no rollback of theirs)", async () => {
    await api.post("/cluster/sdn/zones", { zone: "theirs", type: "simple" });
    const coordinator = new CommitCoordinator(5);
    sim.faults.add({ method: "PUT", path: "/cluster/sdn", times: 1, action: { type: "status", status: 500, message: "could not commit SDN config" } });
    const error = await write(coordinator, "/cluster/sdn/zones", { zone: "ours", type: "simple" }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/lock was released, the changes stay pending on PVE, together with changes someone else had left pending/);
    expect(sdn.locked()).toBe(false);
    expect((await pending()).sort()).toEqual(["ours", "theirs"]);
  });

  it("with someone else's changes pending, the lock is taken with allow-pending and the apply takes them along", async () => {
    await api.post("/cluster/sdn/zones", { zone: "left", type: "simple" });
    const coordinator = new CommitCoordinator(5);
    await write(coordinator, "/cluster/sdn/zones", { zone: "new", type: "simple" });
    expect(sdn.locked()).toBe(false);
    expect(await pending()).toEqual([]);
    const locks = sim.requests.filter((r) => r.method === "POST" && r.path === "/cluster/sdn/lock").slice(-2);
    expect(locks.map((r) => r.status)).toEqual([500, 200]);
  });

  it("flush applies an open batch at once (what a stopping host does), after its write in flight", async () => {
    const coordinator = new CommitCoordinator({ quietMs: 3_600_000, flushOnStop: true });
    sim.faults.add({ method: "POST", path: "/cluster/sdn/zones", times: 1, action: { type: "latency", ms: 300 } });
    const created = write(coordinator, "/cluster/sdn/zones", { zone: "late", type: "simple" });
    // The host is told to stop while the write is still on its way; someone else listens too, so the process stays.
    const keepAlive = (): void => undefined;
    process.on("SIGINT", keepAlive);
    try {
      while (!sim.requests.some((r) => r.path === "/cluster/sdn/lock")) await new Promise((resolve) => setImmediate(resolve));
      process.emit("SIGINT", "SIGINT");
      await created;
    } finally {
      process.off("SIGINT", keepAlive);
    }
    expect(sdn.locked()).toBe(false);
    expect((await zones("running")).map((z) => z["zone"])).toContain("late");
    expect(process.listenerCount("SIGTERM")).toBe(0);
  });
});
