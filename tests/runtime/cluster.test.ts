// State bound to its cluster: each resource records the cluster's identity (its root CA, name and
// nodes); refresh, update and delete refuse another cluster unless proxmox:allowClusterChange.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProxmoxClient } from "../../provider/client";
import { PROVIDER_KEY } from "../../provider/engine";
import * as runtime from "../../provider/runtime";
import { CLUSTER_KEY, type ClusterIdentity, clusterIdentity, describeCluster, sameCluster } from "../../provider/runtime/cluster";
import { startSimulator, type Simulator } from "../sim";
import { certFixture } from "../sim/models/certificates";

let a: Simulator;
let b: Simulator;
const GROUP = "access:Group";

/** Points the runtime at `sim` through stack config, as `pulumi config set proxmox:*` does. */
function use(sim: Simulator, extra: Record<string, string> = {}): void {
  const values: Record<string, string> = {
    "proxmox:endpoint": sim.endpoint,
    "proxmox:apiToken": sim.apiToken ?? "",
    "proxmox:fingerprint": sim.fingerprint,
    ...extra,
  };
  runtime.configure({ config: { get: (key) => values[key] } });
}

function admin(sim: Simulator): ProxmoxClient {
  return new ProxmoxClient({ endpoint: sim.endpoint, apiToken: sim.apiToken ?? "", fingerprint: sim.fingerprint });
}

const deletes = (sim: Simulator): number => sim.requests.filter((r) => r.method === "DELETE").length;

beforeAll(async () => {
  a = await startSimulator({ nodes: 2, clusterName: "dc-a", apiToken: "root@pam!a=aaaaaaaa-0000-4000-8000-000000000001", authFailureDelayMs: 0 });
  b = await startSimulator({ nodes: 3, clusterName: "dc-b", apiToken: "root@pam!b=bbbbbbbb-0000-4000-8000-000000000002", authFailureDelayMs: 0 });
});
afterAll(async () => {
  runtime.configure(undefined);
  await a?.close();
  await b?.close();
});

describe("a resource's state records its cluster", () => {
  it("as the root CA's fingerprint, the cluster name and the nodes", async () => {
    use(a);
    const created = await runtime.create(GROUP, { groupId: "rec", [PROVIDER_KEY]: "shim" });
    const rootCa = (await admin(a).get<Array<{ filename: string; fingerprint: string }>>("/nodes/pve1/certificates/info")).find(
      (c) => c.filename === "pve-root-ca.pem",
    );
    expect(created.outs[CLUSTER_KEY]).toEqual({ ca: rootCa?.fingerprint, name: "dc-a", nodes: ["pve1", "pve2"] });
    expect(rootCa?.fingerprint).toBe(a.fingerprint); // the simulator's root CA is the certificate it serves
    await runtime.remove(GROUP, "rec", created.outs);
  });

  it("and refuses refresh, update and delete on another cluster, naming both, without a single write there", async () => {
    use(a);
    const created = await runtime.create(GROUP, { groupId: "moved", comment: "on a" });
    await admin(b).post("/access/groups", { groupid: "moved", comment: "on b" });
    use(b);
    const before = deletes(b);
    for (const [what, call] of [
      ["refresh", () => runtime.read(GROUP, "moved", created.outs)],
      ["update", () => runtime.update(GROUP, "moved", created.outs, { groupId: "moved", comment: "changed" })],
      ["delete", () => runtime.remove(GROUP, "moved", created.outs)],
    ] as const) {
      const error = (await (call as () => Promise<unknown>)().catch((e: unknown) => e)) as Error;
      expect(error.message).toContain(`refusing to ${what} access.Group 'moved'`);
      expect(error.message).toContain(`cluster 'dc-a' (nodes pve1, pve2; root CA ${a.fingerprint})`);
      expect(error.message).toContain(`cluster 'dc-b' (nodes pve1, pve2, pve3; root CA ${b.fingerprint})`);
      expect(error.message).toContain("proxmox:allowClusterChange");
    }
    expect(deletes(b)).toBe(before);
    expect(await admin(b).get("/access/groups/moved")).toMatchObject({ comment: "on b" });
    expect(b.requests.filter((r) => r.method === "PUT" && r.path.includes("moved"))).toHaveLength(0);
    use(a);
    await runtime.remove(GROUP, "moved", created.outs);
  });

  it("lets a deliberate move through with proxmox:allowClusterChange, and records the new cluster", async () => {
    use(a);
    const created = await runtime.create(GROUP, { groupId: "move-me", comment: "x" });
    await admin(b).post("/access/groups", { groupid: "move-me", comment: "x" });
    use(b, { "proxmox:allowClusterChange": "true" });
    const read = await runtime.read(GROUP, "move-me", created.outs);
    expect(read.props[CLUSTER_KEY]).toMatchObject({ ca: b.fingerprint, name: "dc-b" });
    // Once moved, the state belongs to b: no override needed any more.
    use(b);
    await runtime.remove(GROUP, "move-me", read.props);
    await expect(admin(b).get("/access/groups/move-me")).rejects.toMatchObject({ kind: "not-found" });
  });

  it("adopts the cluster on the next successful call of a state written before identities were recorded", async () => {
    use(a);
    const created = await runtime.create(GROUP, { groupId: "old-state", comment: "x" });
    const { [CLUSTER_KEY]: _dropped, ...oldOuts } = created.outs;
    const refreshed = await runtime.read(GROUP, "old-state", oldOuts);
    expect(refreshed.props[CLUSTER_KEY]).toMatchObject({ ca: a.fingerprint });
    const updated = await runtime.update(GROUP, "old-state", oldOuts, { groupId: "old-state", comment: "y" });
    expect(updated.outs[CLUSTER_KEY]).toMatchObject({ ca: a.fingerprint });
    await runtime.remove(GROUP, "old-state", oldOuts);
  });

  it("an import records the cluster it read from", async () => {
    await admin(a).post("/access/groups", { groupid: "imported" });
    use(a);
    const imported = await runtime.read(GROUP, "imported", { groupId: "imported" });
    expect(imported.props[CLUSTER_KEY]).toMatchObject({ ca: a.fingerprint });
    await runtime.remove(GROUP, "imported", imported.props);
  });
});

describe("the cluster identity", () => {
  it("survives a renewal of the node's certificate (a new custom or ACME pveproxy certificate)", async () => {
    const first = admin(a);
    const before = await clusterIdentity(first);
    await first.post("/nodes/pve1/certificates/custom", { certificates: certFixture("custom-a.pem"), key: certFixture("custom-a.key"), force: 1 });
    const info = await first.get<Array<{ filename: string }>>("/nodes/pve1/certificates/info");
    expect(info.map((c) => c.filename)).toContain("pveproxy-ssl.pem");
    const again = admin(a);
    const after = await clusterIdentity(again);
    expect(after).toEqual(before);
    expect(sameCluster(before, after)).toBe(true);
    await first.delete("/nodes/pve1/certificates/custom");
    first.close();
    again.close();
  });

  it("is read with a token that lacks Sys.Audit: the root CA still identifies the cluster", async () => {
    const root = admin(a);
    await root.post("/access/users", { userid: "weak@pve" });
    const token = await root.post<{ value: string }>("/access/users/weak@pve/token/tk", { privsep: 0 });
    const weak = new ProxmoxClient({ endpoint: a.endpoint, apiToken: `weak@pve!tk=${token.value}`, fingerprint: a.fingerprint });
    await expect(weak.get("/cluster/status")).rejects.toMatchObject({ kind: "permission" });
    expect(await clusterIdentity(weak)).toEqual({ ca: a.fingerprint, nodes: ["pve1", "pve2"] });
    weak.close();
    root.close();
  });

  it("compares by root CA when both sides know it, else by name and a node in common", () => {
    const x: ClusterIdentity = { ca: "AA", name: "dc", nodes: ["pve1"] };
    expect(sameCluster(x, { ca: "AA", name: "renamed", nodes: ["other"] })).toBe(true);
    expect(sameCluster(x, { ca: "BB", name: "dc", nodes: ["pve1"] })).toBe(false);
    expect(sameCluster({ name: "dc", nodes: ["pve1", "pve2"] }, { name: "dc", nodes: ["pve2", "pve3"] })).toBe(true);
    expect(sameCluster({ name: "dc", nodes: ["pve1"] }, { name: "lab", nodes: ["pve1"] })).toBe(false);
    expect(sameCluster({ nodes: ["pve"] }, { nodes: ["pve"] })).toBe(true);
    expect(describeCluster({ ca: "AA", nodes: ["pve"] })).toBe("standalone node (node pve; root CA AA)");
    // The names are the server's: a hostile one cannot forge lines or drive the terminal with them.
    expect(describeCluster({ name: "dc\u001b[2J\nforged", nodes: ["pve1"] })).toBe("cluster 'dc[2J forged' (node pve1)");
  });
});
