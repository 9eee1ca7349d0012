import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProxmoxClient } from "../../provider/client";
import { create, read, remove, update, diff, PartialCreateError } from "../../provider/engine";
import type { EngineApi } from "../../provider/engine";
import { definitionOf } from "../../schema/definitions";
import { startSimulator, type Simulator } from "../sim";

let sim: Simulator;
let client: ProxmoxClient;

beforeAll(async () => {
  sim = await startSimulator({ nodes: 2, apiToken: "automation@pve!ci=11111111-2222-3333-4444-555555555555", authFailureDelayMs: 0, taskDurationMs: 20 });
  client = new ProxmoxClient({ endpoint: sim.endpoint, apiToken: sim.apiToken, fingerprint: sim.fingerprint });
});
afterAll(async () => {
  client?.close();
  await sim?.close();
});

describe("collection lifecycle against the simulator", () => {
  it("creates, reads back with no diff, updates in place, refreshes drift, imports and deletes a user", async () => {
    const def = definitionOf("access:User");
    const inputs = { userId: "alice@pve", comment: "first", enable: true, groups: [] as string[], password: "s3cret-pw" };
    await client.post("/access/groups", { groupid: "ops" });
    inputs.groups = ["ops"];
    const { id, outs } = await create(def, client, inputs);
    expect(id).toBe("alice@pve");
    expect(outs).toMatchObject({ userId: "alice@pve", comment: "first", enable: true, groups: ["ops"], password: "s3cret-pw" });
    expect(diff(def, outs, inputs).changes).toBe(false);

    const changed = { ...inputs, comment: "second" };
    const updated = await update(def, client, outs, changed);
    expect(updated.outs["comment"]).toBe("second");
    expect(await client.get<{ comment?: string }>("/access/users/alice@pve")).toMatchObject({ comment: "second" });

    // Out-of-band change, then refresh: the drift shows in the read-back.
    await client.put("/access/users/alice@pve", { comment: "changed by hand" });
    const refreshed = await read(def, client, id, updated.outs);
    expect(refreshed.props["comment"]).toBe("changed by hand");
    expect(refreshed.props["password"]).toBe("s3cret-pw");
    expect(diff(def, refreshed.props, changed).changed).toEqual(["comment"]);

    // Import by id alone adopts every field PVE reports.
    const imported = await read(def, client, "alice@pve", {});
    expect(imported).toMatchObject({ id: "alice@pve", props: { userId: "alice@pve", comment: "changed by hand", groups: ["ops"] } });

    await remove(def, client, id, refreshed.props);
    await expect(client.get("/access/users/alice@pve")).rejects.toMatchObject({ kind: "not-found" });
    // Deleting what is already gone succeeds; reading it says it is gone.
    await remove(def, client, id, refreshed.props);
    expect(await read(def, client, id, refreshed.props)).toEqual({ id: "", props: {} });
  });

  it("removes a field with PVE's delete list where the call has one (API token comment)", async () => {
    const def = definitionOf("access:ApiToken");
    await client.post("/access/users", { userid: "bob@pve" });
    const inputs = { userId: "bob@pve", tokenId: "deploy", comment: "ci", privilegeSeparation: true };
    const { id, outs } = await create(def, client, inputs);
    expect(id).toBe("bob@pve!deploy");
    expect(outs["fullTokenId"]).toBe("bob@pve!deploy");
    expect(typeof outs["value"]).toBe("string");
    expect(diff(def, outs, inputs).changes).toBe(false);

    const { comment: _comment, ...withoutComment } = inputs;
    const updated = await update(def, client, outs, withoutComment);
    expect(updated.outs["comment"]).toBeUndefined();
    expect(updated.outs["value"]).toBe(outs["value"]);
    const token = await client.get<{ comment?: string }>("/access/users/bob@pve/token/deploy");
    expect(token.comment ?? "").toBe("");
    await remove(def, client, id, updated.outs);
  });

  it("unsets a token's privilege separation and expiry by writing PVE's defaults: its delete takes only the comment", async () => {
    const def = definitionOf("access:ApiToken");
    await client.post("/access/users", { userid: "dan@pve" });
    const inputs = { userId: "dan@pve", tokenId: "deploy", comment: "ci", privilegeSeparation: false, expire: 4_000_000_000 };
    const { outs } = await create(def, client, inputs);
    const updated = await update(def, client, outs, { userId: "dan@pve", tokenId: "deploy" });
    expect(updated.outs["comment"]).toBeUndefined();
    expect(await client.get("/access/users/dan@pve/token/deploy")).toEqual({ privsep: 1, expire: 0 });
  });

  it("grants and revokes one ACL entry without touching a neighbour", async () => {
    const def = definitionOf("access:Acl");
    await client.post("/access/users", { userid: "carol@pve" });
    const first = await create(def, client, { path: "/vms", roleId: "PVEAuditor", userId: "carol@pve" });
    const second = await create(def, client, { path: "/vms", roleId: "PVEVMUser", userId: "carol@pve" });
    expect(first.id).toBe("/vms|PVEAuditor|users=carol@pve");
    await remove(def, client, first.id, first.outs);
    const acl = await client.get<Array<{ path: string; roleid: string; ugid: string }>>("/access/acl");
    const carols = acl.filter((entry) => entry.ugid === "carol@pve").map((entry) => entry.roleid);
    expect(carols).toEqual(["PVEVMUser"]);
    // Refreshing an entry that sets no optional field shows no drift.
    expect(await read(def, client, second.id, second.outs)).toEqual({ id: second.id, props: second.outs, inputs: second.outs });
    const imported = await read(def, client, second.id, {});
    expect(imported.props).toMatchObject({ path: "/vms", roleId: "PVEVMUser", userId: "carol@pve" });
  });

  it("handles nested pools through the id parameter", async () => {
    const def = definitionOf("cluster:Pool");
    const parent = await create(def, client, { poolId: "team", comment: "parent" });
    const child = await create(def, client, { poolId: "team/dev", comment: "child" });
    expect(child.outs).toMatchObject({ poolId: "team/dev", comment: "child" });
    const updated = await update(def, client, child.outs, { poolId: "team/dev", comment: "renamed" });
    expect(updated.outs["comment"]).toBe("renamed");
    await remove(def, client, child.id, updated.outs);
    await remove(def, client, parent.id, parent.outs);
    expect(await read(def, client, "team", {})).toEqual({ id: "", props: {} });
  });

  it("reads a role's privileges back as a set: the program's order while PVE holds them, PVE's sorted list on import", async () => {
    const def = definitionOf("access:Role");
    const inputs = { roleId: "Auditors", privileges: ["VM.Audit", "Sys.Audit"] };
    const { outs } = await create(def, client, inputs);
    expect(outs["privileges"]).toEqual(["VM.Audit", "Sys.Audit"]);
    expect(diff(def, outs, inputs).changes).toBe(false);
    expect((await read(def, client, "Auditors", {})).props["privileges"]).toEqual(["Sys.Audit", "VM.Audit"]);
    const updated = await update(def, client, outs, { roleId: "Auditors", privileges: ["VM.Audit"] });
    expect(updated.outs["privileges"]).toEqual(["VM.Audit"]);
    await remove(def, client, "Auditors", updated.outs);
  });
});

describe("singleton lifecycle", () => {
  it("sets cluster options and resets exactly what it managed on delete", async () => {
    const def = definitionOf("cluster:Options");
    const inputs = { keyboard: "de", nextId: { lower: 1000, upper: 2000 } };
    const { id, outs } = await create(def, client, inputs);
    expect(id).toBe("cluster");
    expect(outs).toMatchObject({ keyboard: "de", nextId: { lower: 1000, upper: 2000 } });
    expect(diff(def, outs, inputs).changes).toBe(false);
    await client.put("/cluster/options", { description: "set by someone else" });
    await remove(def, client, id, outs);
    const after = await client.get<Record<string, unknown>>("/cluster/options");
    expect(after["keyboard"]).toBeUndefined();
    expect(after["next-id"]).toBeUndefined();
    // datacenter.cfg keeps a description as comment lines, read back with a newline each.
    expect(after["description"]).toBe("set by someone else\n");
  });
});

describe("half-finished creates", () => {
  it("keeps the id when the object was created but could not be read back", async () => {
    const def = definitionOf("access:Group");
    const failingRead: EngineApi = {
      request: (method, path, params) =>
        method === "GET" ? Promise.reject(Object.assign(new Error("boom"), { kind: "server" })) : client.request(method, path, params),
      waitForTask: (upid) => client.waitForTask(upid),
    };
    const error = await create(def, failingRead, { groupId: "half" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialCreateError);
    expect(error).toMatchObject({ id: "half", properties: { groupId: "half" } });
    expect(await client.get("/access/groups/half")).toBeDefined();
  });
});
