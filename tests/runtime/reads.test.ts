import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import * as pve from "../../index";
import { startSimulator, type Simulator } from "../sim";

let sim: Simulator;
const saved = { ...process.env };

beforeAll(async () => {
  sim = await startSimulator({ nodes: 3, apiToken: "root@pam!reads=33333333-4444-5555-6666-777777777777", authFailureDelayMs: 0 });
  // Read functions run in the program and take the same PROXMOX_VE_* settings as resources.
  process.env["PROXMOX_VE_ENDPOINT"] = sim.endpoint;
  process.env["PROXMOX_VE_API_TOKEN"] = sim.apiToken;
  process.env["PROXMOX_VE_FINGERPRINT"] = sim.fingerprint;
  const admin = new pve.ProxmoxClient({ endpoint: sim.endpoint, apiToken: sim.apiToken, fingerprint: sim.fingerprint });
  await admin.post("/access/groups", { groupid: "ops" });
  await admin.post("/access/users", { userid: "dora@pve", comment: "reader", groups: "ops", enable: 0 });
  await admin.post("/pools", { poolid: "team" });
  await admin.post("/pools", { poolid: "team/dev", comment: "nested" });
  await admin.post("/cluster/sdn/zones", { zone: "applied", type: "simple" });
  await admin.waitForTask(await admin.put<string>("/cluster/sdn", {}));
  await admin.post("/cluster/sdn/zones", { zone: "staged", type: "simple" });
  await admin.post("/cluster/sdn/vnets", { vnet: "vstaged", zone: "staged" });
  admin.close();
});
afterAll(async () => {
  process.env = saved;
  await sim?.close();
});

describe("read functions", () => {
  it("getVersion returns the connected PVE's version", async () => {
    const version = await pve.getVersion();
    expect(version).toMatchObject({ release: "9.2" });
    expect(version.version).toMatch(/^9\.2\./);
  });

  it("access.getUser decodes PVE's 0/1 and lists into typed values", async () => {
    const user = await pve.access.getUser({ userId: "dora@pve" });
    expect(user).toMatchObject({ comment: "reader", enable: false, groups: ["ops"] });
    expectTypeOf(user.enable).toEqualTypeOf<boolean | undefined>();
  });

  it("access.getUser fails clearly for a user that does not exist", async () => {
    await expect(pve.access.getUser({ userId: "nobody@pve" })).rejects.toMatchObject({ kind: "not-found" });
  });

  it("access.getUsers lists users, filtered by enabled", async () => {
    const all = await pve.access.getUsers();
    expect(all.map((u) => u.userid).sort()).toEqual(["dora@pve", "root@pam"]);
    const enabled = await pve.access.getUsers({ enabled: true });
    expect(enabled.map((u) => u.userid)).toEqual(["root@pam"]);
  });

  it("cluster.getPool reads nested pools", async () => {
    const pool = await pve.cluster.getPool({ poolId: "team/dev" });
    expect(pool).toMatchObject({ poolid: "team/dev", comment: "nested" });
  });

  it("sdn.getZones shows the staged, pending and running views", async () => {
    expect((await pve.sdn.getZones()).map((z) => z.zone).sort()).toEqual(["applied", "staged"]);
    expect((await pve.sdn.getZones({ running: true })).map((z) => z.zone)).toEqual(["applied"]);
    const pending = await pve.sdn.getZones({ pending: true });
    expect(pending.find((z) => z.zone === "staged")?.state).toBe("new");
    expect(pending.find((z) => z.zone === "applied")?.state).toBeUndefined();
  });

  it("sdn.getPending lists vnets with pending changes", async () => {
    expect((await pve.sdn.getPending()).map((v) => [v.vnet, v.state])).toEqual([["vstaged", "new"]]);
  });

  it("node.getFirewallLog reads numbered log lines", async () => {
    const lines = await pve.node.getFirewallLog({ node: "pve1", limit: 3 });
    expect(lines.length).toBeLessThanOrEqual(3);
    for (const line of lines) expect(typeof line.n).toBe("number");
  });

  it("cluster.getStatus lists the cluster and its nodes", async () => {
    const status = await pve.cluster.getStatus();
    const nodes = status
      .filter((entry) => entry.type === "node")
      .map((entry) => entry.name)
      .sort();
    expect(nodes).toEqual(["pve1", "pve2", "pve3"]);
  });
});

describe("SDK types", () => {
  it("take pulumi inputs and mark required arguments", () => {
    expectTypeOf<pve.access.UserArgs["userId"]>().toEqualTypeOf<pulumi.Input<string>>();
    expectTypeOf<pve.access.UserArgs["groups"]>().toEqualTypeOf<pulumi.Input<pulumi.Input<string>[]> | undefined>();
    expectTypeOf<pve.cluster.OptionsArgs["console"]>().toEqualTypeOf<pulumi.Input<"applet" | "vv" | "html5" | "xtermjs"> | undefined>();
    expectTypeOf<pve.access.ApiToken["value"]>().toEqualTypeOf<pulumi.Output<string>>();
  });
});
