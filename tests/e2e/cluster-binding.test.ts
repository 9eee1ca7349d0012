/**
 * The case: a copy of a stack, with the environment pointing at another cluster that has
 * objects of the same names. `destroy` must refuse, naming both clusters, and send that cluster
 * no DELETE; `proxmox:allowClusterChange` lets a deliberate move through.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProxmoxClient } from "../../provider/client";
import { startSimulator, type Simulator } from "../sim";
import { type Declared, type Stack, TOKEN_SECRET, newStack, stepsOf } from "./harness";

const resources: Declared[] = [
  { namespace: "cluster", kind: "Pool", name: "pool", args: { poolId: "bound-pool", comment: "a" } },
  { namespace: "access", kind: "Group", name: "group", args: { groupId: "bound-group" } },
  { namespace: "access", kind: "User", name: "user", args: { userId: "bound@pve", groups: ["bound-group"] }, dependsOn: ["group"] },
];

let stack: Stack;
let other: Simulator;
let otherAdmin: ProxmoxClient;

beforeAll(async () => {
  stack = await newStack("cluster-binding", "environment", { simulator: { clusterName: "dc-a" } });
  other = await startSimulator({ nodes: 2, clusterName: "dc-b", apiToken: `root@pam!e2e=${TOKEN_SECRET}`, authFailureDelayMs: 0, taskDurationMs: 20 });
  otherAdmin = new ProxmoxClient({ endpoint: other.endpoint, apiToken: other.apiToken ?? "", fingerprint: other.fingerprint });
  // The other cluster has objects of the same names: a DELETE sent there would "succeed".
  await otherAdmin.post("/access/groups", { groupid: "bound-group" });
  await otherAdmin.post("/access/users", { userid: "bound@pve", groups: "bound-group" });
  await otherAdmin.post("/pools", { poolid: "bound-pool" });
}, 120_000);
afterAll(async () => {
  otherAdmin?.close();
  await other?.close();
  await stack?.close();
});

describe("a copy of a stack against another cluster", () => {
  it("refuses destroy and refresh there, naming both clusters, without one DELETE; a deliberate move goes through", async () => {
    const created = await stack.up(resources);
    expect(created.ok, created.hostOutput.join("\n")).toBe(true);
    // The environment now points at the other cluster.
    const env = { PROXMOX_VE_ENDPOINT: other.endpoint, PROXMOX_VE_API_TOKEN: other.apiToken ?? "", PROXMOX_VE_FINGERPRINT: other.fingerprint };
    const writesBefore = other.requests.filter((r) => r.method !== "GET").length;
    const destroyed = await stack.destroy(resources, { env });
    expect(destroyed.ok).toBe(false);
    const errors = destroyed.steps.filter((s) => s.error).map((s) => s.error ?? "");
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error).toMatch(/refusing to delete/);
      expect(error).toContain(`cluster 'dc-a'`);
      expect(error).toContain(`cluster 'dc-b'`);
      expect(error).toContain("proxmox:allowClusterChange");
    }
    expect(other.requests.filter((r) => r.method !== "GET").length).toBe(writesBefore);
    expect(await otherAdmin.get("/access/users/bound@pve")).toBeDefined();
    // Nothing was forgotten: the state still holds every resource, and the first cluster still has them.
    expect(
      destroyed.state.resources
        .filter((r) => r.custom && r.type.includes("proxmox"))
        .map((r) => r.name)
        .sort(),
    ).toEqual(["group", "pool", "user"]);
    expect(await stack.admin.get("/access/groups/bound-group")).toBeDefined();

    const refreshed = await stack.refresh(resources, { env });
    expect(refreshed.ok).toBe(false);
    expect(refreshed.steps.map((s) => s.error ?? "").join("\n")).toMatch(/refusing to refresh/);

    // A deliberate move: the same run with the override deletes the other cluster's objects.
    const moved = await stack.destroy(resources, { env, config: { "proxmox:allowClusterChange": "true" } });
    expect(moved.ok, moved.hostOutput.join("\n")).toBe(true);
    expect(stepsOf(moved)).toEqual(["delete group", "delete pool", "delete user"]);
    await expect(otherAdmin.get("/access/users/bound@pve")).rejects.toMatchObject({ kind: "not-found" });
    // The first cluster was not touched by any of it.
    expect(await stack.admin.get("/access/groups/bound-group")).toBeDefined();
  }, 600_000);
});
