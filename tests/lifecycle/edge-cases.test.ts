import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProxmoxClient } from "../../provider/client";
import { PROVIDER_KEY, PartialCreateError, create, diff, update } from "../../provider/engine";
import type { EngineApi } from "../../provider/engine";
import * as runtime from "../../provider/runtime";
import { definitionOf } from "../../schema/definitions";
import { plainUser, serviceRestart } from "./test-kinds";
import { startSimulator, type Simulator } from "../sim";

let sim: Simulator;
let token: ProxmoxClient;
let ticket: ProxmoxClient;
const saved = { ...process.env };

beforeAll(async () => {
  sim = await startSimulator({ nodes: 1, apiToken: "root@pam!edge=44444444-5555-6666-7777-888888888888", authFailureDelayMs: 0, taskDurationMs: 10 });
  token = new ProxmoxClient({ endpoint: sim.endpoint, apiToken: sim.apiToken, fingerprint: sim.fingerprint });
  ticket = new ProxmoxClient({ endpoint: sim.endpoint, username: "root@pam", password: sim.rootPassword, fingerprint: sim.fingerprint });
});
afterAll(async () => {
  process.env = saved;
  token?.close();
  ticket?.close();
  await sim?.close();
});

describe("removing a field the program no longer sets", () => {
  it("re-grants an ACL with PVE's default when propagate is removed (PUT /access/acl's delete is a boolean)", async () => {
    const def = definitionOf("access:Acl");
    await token.post("/access/users", { userid: "grantee@pve" });
    const { outs } = await create(def, token, { path: "/storage", roleId: "PVEAuditor", userId: "grantee@pve", propagate: false });
    const updated = await update(def, token, outs, { path: "/storage", roleId: "PVEAuditor", userId: "grantee@pve" });
    const acl = await token.get<Array<{ path: string; ugid: string; propagate: number | string }>>("/access/acl");
    expect(Number(acl.find((e) => e.path === "/storage" && e.ugid === "grantee@pve")?.propagate)).toBe(1);
    expect(updated.outs["propagate"]).toBeUndefined();
  });

  it("clears a pool's comment and a user's groups with empty values", async () => {
    const pool = definitionOf("cluster:Pool");
    const created = await create(pool, token, { poolId: "edge", comment: "x" });
    await update(pool, token, created.outs, { poolId: "edge" });
    expect((await token.get<Array<{ comment?: string }>>("/pools", { poolid: "edge" }))[0]?.comment ?? "").toBe("");

    const user = definitionOf("access:User");
    await token.post("/access/groups", { groupid: "edge-ops" });
    const u = await create(user, token, { userId: "edge@pve", groups: ["edge-ops"] });
    await update(user, token, u.outs, { userId: "edge@pve" });
    expect((await token.get<{ groups?: string[] }>("/access/users/edge@pve")).groups ?? []).toEqual([]);
  });

  it("refuses to silently keep a value PVE cannot unset", async () => {
    const u = await create(plainUser, token, { userid: "expiring@pve", expire: 4102444800 });
    await expect(update(plainUser, token, u.outs, { userid: "expiring@pve" })).rejects.toThrow(/PVE cannot unset 'expire'/);
  });

  it("unsets a user's expiry by writing 0, PVE's 'never'", async () => {
    const user = definitionOf("access:User");
    const u = await create(user, token, { userId: "expires@pve", expire: 4102444800 });
    await update(user, token, u.outs, { userId: "expires@pve" });
    expect(await token.get("/access/users/expires@pve")).toMatchObject({ expire: 0 });
  });
});

describe("passwords", () => {
  it("explain that an API token cannot change a password, and change nothing else", async () => {
    const user = definitionOf("access:User");
    const u = await create(user, token, { userId: "pw@pve", comment: "before", password: "first-password" });
    await expect(update(user, token, u.outs, { userId: "pw@pve", comment: "after", password: "second-password" })).rejects.toThrow(
      /needs ticket authentication/,
    );
    expect((await token.get<{ comment?: string }>("/access/users/pw@pve")).comment).toBe("before");
  });

  it("are changed through /access/password with ticket auth", async () => {
    const user = definitionOf("access:User");
    const u = await create(user, ticket, { userId: "pw2@pve", password: "first-password" });
    const updated = await update(user, ticket, u.outs, { userId: "pw2@pve", password: "second-password" });
    expect(updated.outs["password"]).toBe("second-password");
    const login = new ProxmoxClient({ endpoint: sim.endpoint, username: "pw2@pve", password: "second-password", fingerprint: sim.fingerprint });
    await expect(login.get("/version")).resolves.toBeDefined();
    login.close();
  });
});

describe("creates whose outcome is uncertain", () => {
  it("keep the id when PVE's answer was lost but the object exists (596 after the operation happened)", async () => {
    sim.faults.add({ method: "POST", path: "/access/groups", times: 1, action: { type: "status", status: 596, afterHandling: true } });
    const error = await create(definitionOf("access:Group"), token, { groupId: "lost-answer" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialCreateError);
    expect(error).toMatchObject({ id: "lost-answer" });
  });

  it("carry the serialized provider in a partial create's properties, so the resource stays refreshable and deletable", async () => {
    process.env["PROXMOX_VE_ENDPOINT"] = sim.endpoint;
    process.env["PROXMOX_VE_API_TOKEN"] = sim.apiToken;
    process.env["PROXMOX_VE_FINGERPRINT"] = sim.fingerprint;
    runtime.configure(undefined);
    sim.faults.add({ method: "GET", path: "/access/groups/half-read", times: 4, action: { type: "status", status: 500, message: "read failed" } });
    const error = await runtime.create("access:Group", { groupId: "half-read", [PROVIDER_KEY]: "serialized shim" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialCreateError);
    expect((error as PartialCreateError).properties).toMatchObject({ groupId: "half-read", [PROVIDER_KEY]: "serialized shim" });
  });

  it("keep an action's UPID when its task could not be watched to the end", async () => {
    const restart = serviceRestart;
    const blind: EngineApi = {
      request: (method, path, params) => token.request(method, path, params),
      waitForTask: () => Promise.reject(Object.assign(new Error("lost connection"), { kind: "unreachable" })),
    };
    const error = await create(restart, blind, { node: "pve1", service: "cron" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialCreateError);
    expect((error as PartialCreateError).id).toMatch(/^UPID:pve1:.*:srvrestart:cron:/);
  });
});

describe("diff details", () => {
  const options = definitionOf("cluster:Options");
  it("sees a removed property-string sub-key, and ignores one at PVE's default", () => {
    const olds = { migration: { type: "secure", network: "10.0.0.0/24" } };
    expect(diff(options, olds, { migration: { type: "secure" } }).changed).toEqual(["migration"]);
    expect(diff(options, { nextId: { lower: 100, upper: 1000000 } }, { nextId: { lower: 100 } }).changes).toBe(false);
  });
  it("treats an empty string like PVE does: as unset", () => {
    expect(diff(definitionOf("cluster:Pool"), { poolId: "p" }, { poolId: "p", comment: "" }).changes).toBe(false);
  });
});
