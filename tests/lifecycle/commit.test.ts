/** The commit coordinator: staged writes share applies; counts, never wall-clock time. */
import { describe, expect, it } from "vitest";
import type { EngineApi, PveMethod, WireParams } from "../../provider/engine";
import { CommitCoordinator } from "../../provider/engine/commit";
import type { CommitSpec } from "../../schema/spec";
import { SDN_COMMIT as SDN } from "../../schema/definitions/sdn/commit";
const NETWORK: CommitSpec = { call: { method: "PUT", path: "/nodes/{node}/network" } };

interface Call {
  method: PveMethod;
  path: string;
  params: WireParams;
}

/** A fake PVE: records calls, answers commits with a task, optionally has no lock endpoint. */
function fakeApi(options: { lock?: boolean } = {}): EngineApi & { calls: Call[] } {
  const calls: Call[] = [];
  let tokens = 0;
  return {
    calls,
    async request<T>(method: PveMethod, path: string, params: WireParams = {}): Promise<T> {
      calls.push({ method, path, params });
      await new Promise((resolve) => setImmediate(resolve));
      if (path.endsWith("/lock")) {
        if (options.lock === false) throw Object.assign(new Error("not implemented"), { status: 501 });
        tokens += 1;
        return `token-${tokens}` as T;
      }
      if (path === "/cluster/sdn" || path.endsWith("/network")) return "UPID:pve1:1:1:1:reload::root@pam:" as T;
      return null as T;
    },
    async waitForTask() {
      return { exitstatus: "OK", warnings: 0 };
    },
  };
}

const commitsOf = (api: { calls: Call[] }, path: string): Call[] => api.calls.filter((c) => c.method === "PUT" && c.path === path);

describe("commit coordinator", () => {
  it("applies many parallel staged writes with one commit, and every write waits for it", async () => {
    const api = fakeApi();
    const coordinator = new CommitCoordinator(5);
    const writes = Array.from({ length: 30 }, (_, i) =>
      coordinator.staged(api, SDN, {}, async (extra) => {
        await api.request("POST", "/cluster/sdn/zones", { zone: `z${i}`, ...extra });
        return i;
      }),
    );
    expect(await Promise.all(writes)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(commitsOf(api, "/cluster/sdn")).toHaveLength(1);
    expect(coordinator.stats("/cluster/sdn")).toEqual({ commits: 1, writes: 30 });
    // One lock for the batch; every write and the commit carry its token.
    expect(api.calls.filter((c) => c.path === "/cluster/sdn/lock")).toHaveLength(1);
    for (const call of api.calls.filter((c) => c.path === "/cluster/sdn/zones")) expect(call.params["lock-token"]).toBe("token-1");
    // PVE applies no default for release-lock: the apply must send it, or the lock stays held.
    expect(commitsOf(api, "/cluster/sdn")[0]?.params).toEqual({ "lock-token": "token-1", "release-lock": 1 });
  });

  it("never resolves a write before the commit that covers it was sent", async () => {
    const api = fakeApi();
    const coordinator = new CommitCoordinator(5);
    await coordinator.staged(api, SDN, {}, (extra) => api.request("POST", "/cluster/sdn/vnets", { vnet: "v", ...extra }));
    const last = api.calls.at(-1);
    expect(last?.method).toBe("PUT");
    expect(last?.path).toBe("/cluster/sdn");
  });

  it("waves of writes (as dependency levels arrive) give one commit per wave", async () => {
    const api = fakeApi();
    const coordinator = new CommitCoordinator(5);
    for (const wave of ["zones", "vnets", "subnets"]) {
      await Promise.all(Array.from({ length: 10 }, () => coordinator.staged(api, SDN, {}, (extra) => api.request("POST", `/cluster/sdn/${wave}`, extra))));
    }
    expect(commitsOf(api, "/cluster/sdn")).toHaveLength(3);
  });

  it("keeps one batch per target: each node's network is applied on its own", async () => {
    const api = fakeApi();
    const coordinator = new CommitCoordinator(5);
    await Promise.all(
      ["pve1", "pve2", "pve1", "pve2"].map((node) =>
        coordinator.staged(api, NETWORK, { node }, () => api.request("POST", `/nodes/${node}/network`, { iface: "vmbr9" })),
      ),
    );
    expect(commitsOf(api, "/nodes/pve1/network")).toHaveLength(1);
    expect(commitsOf(api, "/nodes/pve2/network")).toHaveLength(1);
    expect(api.calls.some((c) => c.path.endsWith("/lock"))).toBe(false);
  });

  it("works without a lock on a PVE that lacks the lock endpoint (501)", async () => {
    const api = fakeApi({ lock: false });
    const coordinator = new CommitCoordinator(5);
    await coordinator.staged(api, SDN, {}, (extra) => api.request("POST", "/cluster/sdn/zones", extra));
    expect(api.calls.find((c) => c.path === "/cluster/sdn/zones")?.params).toEqual({});
    expect(commitsOf(api, "/cluster/sdn")[0]?.params).toEqual({});
  });

  it("a failed write rejects only once its batch's apply ran: PVE may have staged it although its answer was lost", async () => {
    const api = fakeApi();
    const coordinator = new CommitCoordinator(5);
    const lost = Object.assign(new Error("Connection timed out"), { kind: "unreachable" });
    await expect(coordinator.staged(api, SDN, {}, () => Promise.reject(lost))).rejects.toBe(lost);
    expect(commitsOf(api, "/cluster/sdn"), "the apply ran before the failure was reported").toHaveLength(1);
  });

  it("a failed write rejects; the other writes of its batch are still applied", async () => {
    const api = fakeApi();
    const coordinator = new CommitCoordinator(5);
    const results = await Promise.allSettled([
      coordinator.staged(api, SDN, {}, () => Promise.reject(new Error("zone 'x' doesn't exist"))),
      coordinator.staged(api, SDN, {}, (extra) => api.request("POST", "/cluster/sdn/zones", extra)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled"]);
    expect(commitsOf(api, "/cluster/sdn")).toHaveLength(1);
  });

  it("a failed apply fails every write it covers, naming the call", async () => {
    const api = fakeApi();
    const failing: EngineApi = {
      request: (method, path, params) => (method === "PUT" ? Promise.reject(new Error("reload failed")) : api.request(method, path, params)),
      waitForTask: api.waitForTask,
    };
    const coordinator = new CommitCoordinator(5);
    await expect(coordinator.staged(failing, SDN, {}, () => Promise.resolve(null))).rejects.toThrow(/PUT \/cluster\/sdn.*reload failed/);
  });
});
