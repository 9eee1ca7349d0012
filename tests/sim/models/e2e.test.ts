/** End-to-end: the state models through the real HTTPS simulator (token auth, form bodies). */
import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../index";
import { clusterModel } from "./cluster";
import { firewallModel } from "./firewall";
import { nodeModel } from "./nodes";
import { sdnModel } from "./sdn";
import { storageModel } from "./storage";

const TOKEN = "ci@pve!deploy=0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
const sdn = sdnModel();
let sim: Simulator;

interface Reply {
  status: number;
  body: { data: unknown; message?: string; errors?: Record<string, string> };
}

/** One API call; params go in the query for GET/DELETE and as a form body otherwise, like PVE wants. */
function api(method: string, path: string, params: Record<string, string | number> = {}): Promise<Reply> {
  const form = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const inQuery = method === "GET" || method === "DELETE";
  const url = new URL(`/api2/json${path}${inQuery && form ? `?${form}` : ""}`, sim.endpoint);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: sim.caCert,
        headers: {
          Authorization: `PVEAPIToken=${TOKEN}`,
          ...(inQuery ? {} : { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": Buffer.byteLength(form) }),
        },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Reply["body"]) : { data: null } }));
      },
    );
    req.on("error", reject);
    if (!inQuery) req.write(form);
    req.end();
  });
}

async function waitTask(upid: string): Promise<string> {
  const node = upid.split(":")[1] ?? "";
  for (let i = 0; i < 100; i += 1) {
    const { body } = await api("GET", `/nodes/${node}/tasks/${encodeURIComponent(upid)}/status`);
    const status = body.data as { status: string; exitstatus?: string };
    if (status.status === "stopped") return status.exitstatus ?? "";
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`task ${upid} did not finish`);
}

beforeAll(async () => {
  sim = await startSimulator({
    apiToken: TOKEN,
    authFailureDelayMs: 0,
    taskDurationMs: 20,
    models: [clusterModel(), storageModel(), firewallModel(), sdn, nodeModel()],
  });
});
afterAll(async () => {
  await sim.close();
});

describe("SDN over HTTPS", () => {
  it("stages, shows pending, commits with a reloadnetworkall task", async () => {
    expect((await api("POST", "/cluster/sdn/zones", { zone: "e2e", type: "simple" })).status).toBe(200);
    expect((await api("POST", "/cluster/sdn/vnets", { vnet: "vn1", zone: "e2e", alias: "one" })).status).toBe(200);
    const pending = await api("GET", "/cluster/sdn/vnets/vn1", { pending: 1 });
    expect(pending.body.data).toMatchObject({ vnet: "vn1", type: "vnet", state: "new", pending: { zone: "e2e", alias: "one" } });

    const commit = await api("PUT", "/cluster/sdn");
    expect(commit.status).toBe(200);
    const upid = commit.body.data as string;
    expect(upid).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:reloadnetworkall::ci@pve!deploy:$/);
    expect(await waitTask(upid)).toBe("OK");
    expect(sdn.reloads()).toBe(1);
    const running = await api("GET", "/cluster/sdn/zones", { running: 1 });
    expect(running.body.data).toEqual([expect.objectContaining({ zone: "e2e", type: "simple" })]);
  });

  it("rejects unknown parameters before the model and keeps PVE's error body", async () => {
    const bad = await api("POST", "/cluster/sdn/zones", { zone: "x1", type: "simple", bogus: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toHaveProperty("bogus");
    const missing = await api("GET", "/cluster/sdn/zones/nope");
    expect(missing.status).toBe(500);
    expect(missing.body.message).toBe("sdn 'nope' does not exist\n");
  });

  it("commits before the reload task starts: a failed reload leaves the change applied and the lock released as asked", async () => {
    const token = (await api("POST", "/cluster/sdn/lock", { "allow-pending": 1 })).body.data as string;
    expect((await api("POST", "/cluster/sdn/zones", { zone: "late", type: "simple", "lock-token": token })).status).toBe(200);
    sim.faults.add({ method: "PUT", path: "/cluster/sdn", times: 1, action: { type: "task-fail", message: "vmbr9: reload failed" } });
    const commit = await api("PUT", "/cluster/sdn", { "lock-token": token, "release-lock": 1 });
    expect(commit.status).toBe(200);
    expect(await waitTask(commit.body.data as string)).toBe("vmbr9: reload failed");
    expect((await api("GET", "/cluster/sdn/zones/late", { pending: 1 })).body.data).not.toHaveProperty("state");
    expect(sdn.locked()).toBe(false);
  });
});

describe("firewall rules over HTTPS", () => {
  it("inserts, moves and deletes by pos with the digest guarding writes", async () => {
    for (const comment of ["A", "B", "C"]) {
      expect((await api("POST", "/cluster/firewall/rules", { type: "in", action: "ACCEPT", comment, enable: 1 })).status).toBe(200);
    }
    await api("PUT", "/cluster/firewall/rules/0", { moveto: 2 });
    const list = (await api("GET", "/cluster/firewall/rules")).body.data as { pos: number; comment: string; digest: string }[];
    expect(list.map((r) => `${r.pos}:${r.comment}`)).toEqual(["0:B", "1:C", "2:A"]);
    const digest = list[0]?.digest ?? "";
    expect((await api("DELETE", "/cluster/firewall/rules/1", { digest })).status).toBe(200);
    const stale = await api("DELETE", "/cluster/firewall/rules/0", { digest });
    expect(stale.status).toBe(500);
    expect(stale.body.message).toContain("detected modified configuration");
    const after = (await api("GET", "/cluster/firewall/rules")).body.data as { comment: string }[];
    expect(after.map((r) => r.comment)).toEqual(["B", "A"]);
  });
});

describe("storage and node network over HTTPS", () => {
  it("seeds local storage and applies staged network changes as a task", async () => {
    expect((await api("GET", "/storage/local")).body.data).toMatchObject({ type: "dir", path: "/var/lib/vz" });
    expect((await api("POST", "/nodes/pve2/network", { iface: "vmbr9", type: "bridge", autostart: 1 })).status).toBe(200);
    const apply = await api("PUT", "/nodes/pve2/network");
    expect(apply.body.data).toMatch(/:srvreload:networking:/);
    expect(await waitTask(apply.body.data as string)).toBe("OK");
    // network_config returns the interface as the parser has it, without its name.
    expect((await api("GET", "/nodes/pve2/network/vmbr9")).body.data).toMatchObject({ type: "bridge", active: 1 });
  });
});
