import type { ServerResponse } from "node:http";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { clientFor, reply, startServer, type Seen, type TestServer } from "./server";

/**
 * A server that holds every response until `open()`: the test waits until the expected number of
 * requests is in flight, then opens the gate and checks that the maximum never went higher.
 * No timing is asserted; waits end when a count is reached.
 */
interface Gate {
  server: TestServer;
  inflight: Map<string, number>;
  max: Map<string, number>;
  open(): void;
}

async function startGate(groupOf: (req: Seen) => string[]): Promise<Gate> {
  const held: (() => void)[] = [];
  let isOpen = false;
  const inflight = new Map<string, number>();
  const max = new Map<string, number>();
  const server = await startServer((req, res: ServerResponse) => {
    const groups = ["all", ...groupOf(req)];
    for (const g of groups) {
      inflight.set(g, (inflight.get(g) ?? 0) + 1);
      max.set(g, Math.max(max.get(g) ?? 0, inflight.get(g)!));
    }
    const finish = (): void => {
      for (const g of groups) inflight.set(g, inflight.get(g)! - 1);
      reply(res, 200, { data: null });
    };
    if (isOpen) finish();
    else held.push(finish);
  });
  return {
    server,
    inflight,
    max,
    open() {
      isOpen = true;
      for (const f of held.splice(0)) f();
    },
  };
}

const pathOf = (req: Seen): string => req.url.split("?")[0]!.replace("/api2/json", "");
const nodeGroup = (req: Seen): string[] => {
  const node = /^\/nodes\/([^/]+)/.exec(pathOf(req))?.[1] ?? "cluster";
  return [`${node}:${req.method === "GET" ? "read" : "write"}`, /qemu\/(\d+)/.exec(pathOf(req))?.[1] ? `guest:${/qemu\/(\d+)/.exec(pathOf(req))![1]}` : "none"];
};

describe("concurrency limits", () => {
  let gate: Gate;
  beforeEach(async () => {
    gate = await startGate(nodeGroup);
  });
  afterEach(() => gate.server.close());

  async function reach(group: string, count: number): Promise<void> {
    await vi.waitFor(() => expect(gate.max.get(group) ?? 0).toBeGreaterThanOrEqual(count), { timeout: 10_000, interval: 5 });
  }

  test("global cap: never more than maxConcurrency in flight", async () => {
    const client = clientFor(gate.server, { maxConcurrency: 3 });
    const all = Promise.all(["pve1", "pve2", "pve3", "pve4"].flatMap((n) => [client.get(`/nodes/${n}/status`), client.get(`/nodes/${n}/rrddata`)]));
    await reach("all", 3);
    gate.open();
    await all;
    expect(gate.max.get("all")).toBe(3);
    expect(gate.server.requests).toHaveLength(8);
  });

  test("per-node write cap, separate per node and separate from reads", async () => {
    const client = clientFor(gate.server, { nodeWriteConcurrency: 2, nodeReadConcurrency: 3 });
    const jobs = [
      ...Array.from({ length: 5 }, () => client.post("/nodes/pve1/apt/update")),
      ...Array.from({ length: 5 }, () => client.post("/nodes/pve2/apt/update")),
      ...Array.from({ length: 5 }, () => client.get("/nodes/pve1/status")),
    ];
    await reach("pve1:write", 2);
    await reach("pve2:write", 2);
    await reach("pve1:read", 3);
    gate.open();
    await Promise.all(jobs);
    expect(gate.max.get("pve1:write")).toBe(2);
    expect(gate.max.get("pve2:write")).toBe(2);
    expect(gate.max.get("pve1:read")).toBe(3);
  });

  test("writes to the same guest never overlap, across nodes; other guests proceed", async () => {
    const client = clientFor(gate.server, { nodeWriteConcurrency: 4 });
    const jobs = [
      client.put("/nodes/pve1/qemu/100/config", { memory: 1024 }),
      client.post("/nodes/pve1/qemu/100/status/start"),
      client.put("/nodes/pve2/qemu/100/config", { cores: 2 }),
      client.put("/nodes/pve1/qemu/101/config", { memory: 2048 }),
    ];
    await reach("guest:100", 1);
    await reach("guest:101", 1);
    gate.open();
    await Promise.all(jobs);
    expect(gate.max.get("guest:100")).toBe(1);
    expect(gate.max.get("all")).toBeGreaterThanOrEqual(2);
  });

  test("GETs never take the lock", async () => {
    const client = clientFor(gate.server);
    const jobs = Array.from({ length: 4 }, () => client.get("/nodes/pve1/qemu/100/config"));
    await reach("guest:100", 4);
    gate.open();
    await Promise.all(jobs);
    expect(gate.max.get("guest:100")).toBe(4);
  });

  test("lockKey overrides: a custom key serializes different paths, null runs in parallel", async () => {
    const client = clientFor(gate.server, { nodeWriteConcurrency: 4 });
    const locked = [
      client.post("/nodes/pve1/qemu/200/status/start", {}, { lockKey: "custom" }),
      client.post("/nodes/pve1/qemu/201/status/start", {}, { lockKey: "custom" }),
    ];
    const free = [client.put("/nodes/pve1/qemu/300/config", {}, { lockKey: null }), client.put("/nodes/pve1/qemu/300/config", {}, { lockKey: null })];
    await reach("guest:300", 2);
    await reach("guest:200", 1);
    gate.open();
    await Promise.all([...locked, ...free]);
    expect(gate.max.get("guest:300")).toBe(2);
    // 200 and 201 shared the custom key: at most one of them was in flight at any time.
    expect((gate.max.get("guest:200") ?? 0) + (gate.max.get("guest:201") ?? 0)).toBe(2);
    expect(gate.server.requests.filter((r) => /qemu\/20[01]/.test(r.url)).length).toBe(2);
  });
});

describe("daemon slots", () => {
  test("reads PVE marks protected (task status and log) share the node's daemon slots with writes; other reads do not", async () => {
    const daemonGroup = (req: Seen): string[] => {
      const daemon = req.method !== "GET" || /\/tasks\/[^/]+\/(status|log)$/.test(pathOf(req));
      return [daemon ? "pve1:daemon" : "pve1:proxy"];
    };
    const gate = await startGate(daemonGroup);
    try {
      const client = clientFor(gate.server, { nodeWriteConcurrency: 2, nodeReadConcurrency: 6 });
      const upid = "UPID:pve1:000A1B2C:0153F0E1:66F1A2B3:aptupdate::root@pam:";
      const jobs = [
        ...Array.from({ length: 3 }, () => client.get(`/nodes/pve1/tasks/${upid}/status`)),
        ...Array.from({ length: 2 }, () => client.get(`/nodes/pve1/tasks/${upid}/log`)),
        client.post("/nodes/pve1/apt/update"),
        ...Array.from({ length: 4 }, () => client.get("/nodes/pve1/status")),
      ];
      await vi.waitFor(() => expect([gate.max.get("pve1:daemon"), gate.max.get("pve1:proxy")]).toEqual([2, 4]), { timeout: 10_000, interval: 5 });
      gate.open();
      await Promise.all(jobs);
      expect(gate.max.get("pve1:daemon")).toBe(2);
      expect(gate.server.requests).toHaveLength(10);
    } finally {
      await gate.server.close();
    }
  });
});

describe("withLock", () => {
  test("holds the key across several requests; requests inside take it re-entrantly", async () => {
    const server = await startServer((_req, res) => reply(res, 200, { data: { digest: "d1" } }));
    try {
      const client = clientFor(server);
      const order: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const rmw = client.withLock("guest:100", async () => {
        order.push("rmw:start");
        await client.get("/nodes/pve1/qemu/100/config");
        await gate;
        await client.put("/nodes/pve1/qemu/100/config", { memory: 512, digest: "d1" }); // same key: no deadlock
        order.push("rmw:end");
        return "done";
      });
      const other = client.put("/nodes/pve1/qemu/100/config", { cores: 2 }).then(() => order.push("other"));
      await vi.waitFor(() => expect(order).toEqual(["rmw:start"]));
      await vi.waitFor(() => expect(server.requests).toHaveLength(1)); // only the GET inside the lock
      release();
      expect(await rmw).toBe("done");
      await other;
      expect(order).toEqual(["rmw:start", "rmw:end", "other"]);
      expect(server.requests.map((r) => r.body)).toEqual(["", "memory=512&digest=d1", "cores=2"]);
    } finally {
      await server.close();
    }
  });
});
