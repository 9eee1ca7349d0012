/**
 * More action kinds through the real `tofu` (`access.RealmSync`, `node.AptUpdate`), and the ACME
 * certificate order whose update renews it (`node.AcmeCertificate`, `updateOnTriggers`): invalid
 * input fails the plan naming the attribute; apply runs the task on PVE; a plan with no change shows
 * none; a trigger change reruns an action as a replacement but renews the certificate as an update;
 * an action cannot be imported; destroy forgets an action (undoing nothing) and revokes the certificate.
 */
import { describe, expect, it } from "vitest";
import { ProxmoxClient } from "../../provider/client";
import { LE_TOS, b64, task } from "../e2e/acme-scenarios";
import { type Simulator, startSimulator } from "../sim";
import { REQUIRED_PROVIDERS, type Workspace, actionsOf, workspace } from "./tofu";

const TOKEN = "root@pam!actions=3c2b1a0f-9e8d-4c7b-8a6f-5e4d3c2b1a0f";

interface Task {
  type: string;
  id: string;
  upid: string;
  status?: string;
}

/**
 * A simulator and a tofu workspace on it, by API token or (for what PVE lets only root@pam itself
 * do, such as registering an ACME account) by ticket, like the Pulumi side of each kind.
 */
async function withTofu(auth: "token" | "ticket", run: (ws: Workspace, admin: ProxmoxClient, sim: Simulator) => Promise<void>): Promise<void> {
  const sim = await startSimulator({ nodes: 2, apiToken: TOKEN, authFailureDelayMs: 0, taskDurationMs: 20 });
  const admin =
    auth === "ticket"
      ? new ProxmoxClient({ endpoint: sim.endpoint, username: "root@pam", password: sim.rootPassword, fingerprint: sim.fingerprint })
      : new ProxmoxClient({ endpoint: sim.endpoint, apiToken: TOKEN, fingerprint: sim.fingerprint });
  const credentials = auth === "ticket" ? { PROXMOX_VE_USERNAME: "root@pam", PROXMOX_VE_PASSWORD: sim.rootPassword } : { PROXMOX_VE_API_TOKEN: TOKEN };
  let ws: Workspace | undefined;
  try {
    ws = await workspace({ PROXMOX_VE_ENDPOINT: sim.endpoint, PROXMOX_VE_FINGERPRINT: sim.fingerprint, ...credentials });
    await run(ws, admin, sim);
    // Nothing secret was printed at any step.
    for (const secret of [TOKEN.split("=")[1] ?? TOKEN, sim.rootPassword]) expect(ws.transcript(), "printed output").not.toContain(secret);
  } finally {
    ws?.close();
    admin.close();
    await sim.close();
  }
}

/** One resource, with its `upid` and `exit_status` as outputs (actions) or its certificate's (the ACME order). */
function config(type: string, body: Record<string, unknown>, outputs: string[]): unknown {
  return {
    terraform: REQUIRED_PROVIDERS,
    provider: { proxmox: {} },
    resource: { [type]: { res: body } },
    output: Object.fromEntries(outputs.map((name) => [name, { value: `\${${type}.res.${name}}` }])),
  };
}

async function outputsOf(ws: Workspace): Promise<Record<string, unknown>> {
  const shown = JSON.parse((await ws.tofu(["output", "-json"])).stdout) as Record<string, { value: unknown }>;
  return Object.fromEntries(Object.entries(shown).map(([k, v]) => [k, v.value]));
}

const tasksOf = async (admin: ProxmoxClient, node: string, type: string): Promise<Task[]> =>
  (await admin.get<Task[]>(`/nodes/${node}/tasks`, { limit: 1000, typefilter: type })).filter((t) => t.type === type);

/** tofu's diagnostics as one line: its box drawing and line wrapping taken out. */
const flat = (output: string): string => output.replace(/[│╷╵]/g, " ").replace(/\s+/g, " ");

async function noChange(ws: Workspace, why: string): Promise<void> {
  const noop = await ws.tofu(["plan", "-input=false", "-detailed-exitcode"], { allowFailure: true });
  expect(noop.code, `${why}:\n${noop.output}`).toBe(0);
}

const replacePaths = (plan: Awaited<ReturnType<Workspace["plan"]>>, address: string): string[] =>
  (plan.json.resource_changes?.find((c) => c.address === address)?.change.replace_paths ?? []).map((p) => p.join(".")).sort();

/**
 * `tofu import` of a second, declared resource of an action type fails with the provider's reason
 * (not Terraform's "not in the configuration"), and leaves the configuration as it was.
 */
async function refusesImport(ws: Workspace, current: unknown, type: string, other: Record<string, unknown>, id: string): Promise<void> {
  const base = current as { resource: Record<string, Record<string, unknown>> };
  ws.write({ ...base, resource: { [type]: { ...base.resource[type], other } } });
  const imported = await ws.tofu(["import", "-input=false", `${type}.other`, id], { allowFailure: true });
  expect(imported.code, "an action cannot be imported").not.toBe(0);
  expect(flat(imported.output)).toContain("is an action: it runs when created and has nothing on PVE to import");
  ws.write(current);
  await noChange(ws, "the refused import left nothing in the state");
}

const LDAP = { type: "ldap", server1: "ldap.example.com", base_dn: "dc=example", user_attr: "uid" };

describe("access.RealmSync through the real tofu", () => {
  const type = "proxmox_access_realm_sync";
  const address = `${type}.res`;
  const sync = (args: Record<string, unknown>): unknown => config(type, args, ["upid", "exit_status"]);
  const corp = (trigger: string): unknown => sync({ realm: "corp", scope: "users", remove_vanished: "acl;entry", triggers: { run: trigger } });

  it("rejects invalid input in plan, syncs as a task, reruns as a replacement on a trigger change, cannot be imported, and destroy undoes nothing", async () => {
    await withTofu("token", async (ws, admin) => {
      const user = async (id: string): Promise<boolean> => (await admin.get<Array<{ userid: string }>>("/access/users")).some((u) => u.userid === id);
      await admin.post("/access/domains", { realm: "corp", ...LDAP });
      await admin.post("/access/domains", { realm: "noscope", ...LDAP });
      // A user of the realm the (empty) directory no longer has, with an ACL entry: the sync removes both.
      await admin.post("/access/users", { userid: "ann@corp" });
      await admin.put("/access/acl", { path: "/vms", users: "ann@corp", roles: "PVEAuditor" });

      ws.write(sync({ realm: "corp", scope: "everything" }));
      await ws.tofu(["init", "-input=false"]);
      const badScope = await ws.tofu(["plan", "-input=false"], { allowFailure: true });
      expect(badScope.code, "an unknown scope fails the plan").not.toBe(0);
      expect(badScope.output).toContain('attribute "scope"');
      // The realm on PVE has no default scope: the plan asks for one (a check against PVE).
      ws.write(sync({ realm: "noscope" }));
      const noScope = await ws.tofu(["plan", "-input=false"], { allowFailure: true });
      expect(noScope.code, "a missing scope fails the plan").not.toBe(0);
      expect(noScope.output).toContain('attribute "scope"');
      expect(flat(noScope.output)).toContain("is required: realm 'noscope' has no default scope");
      ws.write(sync({ realm: "corp", remove_vanished: "acl;bogus", scope: "users" }));
      const badRemove = await ws.tofu(["plan", "-input=false"], { allowFailure: true });
      expect(badRemove.code).not.toBe(0);
      expect(badRemove.output).toContain('attribute "remove_vanished"');
      expect(await tasksOf(admin, "pve1", "auth-realm-sync"), "no failed plan ran a sync").toEqual([]);

      ws.write(corp("1"));
      const planned = await ws.plan();
      expect(actionsOf(planned.json, address)).toEqual(["create"]);
      expect(await tasksOf(admin, "pve1", "auth-realm-sync"), "a plan runs nothing").toEqual([]);
      const applied = await ws.applyPlan();
      expect(applied.output).toContain("Apply complete! Resources: 1 added");
      const first = await tasksOf(admin, "pve1", "auth-realm-sync");
      expect(first.map((t) => [t.id, t.status])).toEqual([["corp", "OK"]]);
      const outputs = await outputsOf(ws);
      expect(outputs["upid"], "the state holds the task that ran").toBe(first[0]?.upid);
      expect(outputs["exit_status"]).toBe("OK");
      expect(await user("ann@corp"), "the sync removed the vanished user").toBe(false);
      const acl = await admin.get<Array<{ ugid: string }>>("/access/acl");
      expect(
        acl.filter((e) => e.ugid === "ann@corp"),
        "and its ACL entries",
      ).toEqual([]);
      await noChange(ws, "no changes after apply");

      // A user added by hand vanishes again when the trigger reruns the sync.
      await admin.post("/access/users", { userid: "bob@corp" });
      ws.write(corp("2"));
      const retrigger = await ws.plan();
      expect(actionsOf(retrigger.json, address)).toEqual(["delete", "create"]);
      expect(replacePaths(retrigger, address)).toEqual(["triggers"]);
      await ws.applyPlan();
      const second = await tasksOf(admin, "pve1", "auth-realm-sync");
      expect(second).toHaveLength(2);
      expect((await outputsOf(ws))["upid"], "the state holds the new run").not.toBe(outputs["upid"]);
      expect(second.map((t) => t.upid)).toContain((await outputsOf(ws))["upid"]);
      expect(await user("bob@corp"), "the rerun synced again").toBe(false);
      await noChange(ws, "no changes after the rerun");

      await refusesImport(ws, corp("2"), type, { realm: "corp", scope: "users" }, "corp");
      expect(await tasksOf(admin, "pve1", "auth-realm-sync"), "the refused import ran nothing").toHaveLength(2);

      // Destroy forgets the run: no task, the realm stays, the removed users are not brought back.
      const destroyed = await ws.tofu(["destroy", "-auto-approve", "-input=false"]);
      expect(destroyed.output).toContain("Destroy complete! Resources: 1 destroyed");
      expect(await tasksOf(admin, "pve1", "auth-realm-sync")).toHaveLength(2);
      expect(await admin.get<Record<string, unknown>>("/access/domains/corp")).toMatchObject({ type: "ldap" });
      expect(await user("ann@corp")).toBe(false);
      expect(await user("bob@corp")).toBe(false);
      expect(JSON.parse(ws.state()) as { resources: unknown[] }).toMatchObject({ resources: [] });
    });
  }, 600_000);
});

describe("node.AptUpdate through the real tofu", () => {
  const type = "proxmox_node_apt_update";
  const address = `${type}.res`;
  const apt = (args: Record<string, unknown>): unknown => config(type, args, ["upid", "exit_status"]);
  const run = (trigger: string): unknown => apt({ node: "pve1", notify: true, triggers: { week: trigger } });

  it("rejects invalid input in plan, refreshes the package index as a task, reruns as a replacement on a trigger change, cannot be imported, and destroy undoes nothing", async () => {
    await withTofu("token", async (ws, admin) => {
      type Upgradable = { Package: string; Version: string; NotifyStatus?: string };
      const upgradable = (node: string): Promise<Upgradable[]> => admin.get<Upgradable[]>(`/nodes/${node}/apt/update`);

      ws.write(apt({ node: "pve1", quiet: "loudly" }));
      await ws.tofu(["init", "-input=false"]);
      const rejected = await ws.tofu(["plan", "-input=false"], { allowFailure: true });
      expect(rejected.code, "a flag that is no bool fails the plan").not.toBe(0);
      expect(rejected.output).toContain('attribute "quiet"');
      // PVE has no upgrade operation, so the resource has no such attribute.
      ws.write(apt({ node: "pve1", upgrade: true }));
      const upgrade = await ws.tofu(["plan", "-input=false"], { allowFailure: true });
      expect(upgrade.code).not.toBe(0);
      expect(upgrade.output).toContain('No argument or block type is named "upgrade"');
      expect(await tasksOf(admin, "pve1", "aptupdate")).toEqual([]);

      ws.write(run("1"));
      const planned = await ws.plan();
      expect(actionsOf(planned.json, address)).toEqual(["create"]);
      expect(await upgradable("pve1"), "a plan runs nothing").toEqual([]);
      const applied = await ws.applyPlan();
      expect(applied.output).toContain("Apply complete! Resources: 1 added");
      const first = await tasksOf(admin, "pve1", "aptupdate");
      expect(first.map((t) => t.status)).toEqual(["OK"]);
      expect((await outputsOf(ws))["upid"]).toBe(first[0]?.upid);
      // The task refreshed the index: PVE lists the upgradable packages, notified as asked.
      const listed = await upgradable("pve1");
      expect(listed.map((p) => p.Package)).toContain("pve-manager");
      expect(
        listed.every((p) => p.NotifyStatus === p.Version),
        "notify marked the packages",
      ).toBe(true);
      expect(await upgradable("pve2"), "only the named node").toEqual([]);
      await noChange(ws, "no changes after apply");

      ws.write(run("2"));
      const retrigger = await ws.plan();
      expect(actionsOf(retrigger.json, address)).toEqual(["delete", "create"]);
      expect(replacePaths(retrigger, address)).toEqual(["triggers"]);
      await ws.applyPlan();
      const second = await tasksOf(admin, "pve1", "aptupdate");
      expect(second).toHaveLength(2);
      expect(second.map((t) => t.upid)).toContain((await outputsOf(ws))["upid"]);
      expect((await outputsOf(ws))["upid"]).not.toBe(first[0]?.upid);
      await noChange(ws, "no changes after the rerun");

      await refusesImport(ws, run("2"), type, { node: "pve1" }, "pve1");

      const before = await upgradable("pve1");
      const destroyed = await ws.tofu(["destroy", "-auto-approve", "-input=false"]);
      expect(destroyed.output).toContain("Destroy complete! Resources: 1 destroyed");
      expect(await tasksOf(admin, "pve1", "aptupdate"), "destroy runs nothing").toHaveLength(2);
      expect(await upgradable("pve1"), "and undoes nothing").toEqual(before);
    });
  }, 600_000);
});

describe("node.AcmeCertificate through the real tofu", () => {
  const type = "proxmox_node_acme_certificate";
  const address = `${type}.res`;
  const cert = (args: Record<string, unknown>): unknown => config(type, args, ["fingerprint", "san"]);

  it("orders on apply, plans no change, renews on a trigger change as an update (not a replacement), and revokes on destroy", async () => {
    // Registering the account needs root@pam's password (PVE refuses API tokens there).
    await withTofu("ticket", async (ws, admin) => {
      type Info = { filename: string; fingerprint: string; san: string[] };
      const proxyCert = async (node: string): Promise<Info | undefined> =>
        (await admin.get<Info[]>(`/nodes/${node}/certificates/info`)).find((i) => i.filename === "pveproxy-ssl.pem");
      const acmeTasks = async (node: string): Promise<string[]> =>
        (await admin.get<Task[]>(`/nodes/${node}/tasks`, { limit: 1000 }))
          .map((t) => t.type)
          .filter((t) => t.startsWith("acme"))
          .sort();
      await task(admin, admin.post("/cluster/acme/account", { contact: "admin@example.com", tos_url: LE_TOS }));
      await admin.post("/cluster/acme/plugins", { id: "cf1", type: "dns", api: "cf", data: b64("CF_Token=x\n") });
      await admin.put("/nodes/pve1/config", { acme: "domains=pve1.example.com", acmedomain0: "domain=api.example.com,plugin=cf1" });

      ws.write(cert({ node: "pve1", force: "maybe" }));
      await ws.tofu(["init", "-input=false"]);
      const rejected = await ws.tofu(["plan", "-input=false"], { allowFailure: true });
      expect(rejected.code).not.toBe(0);
      expect(rejected.output).toContain('attribute "force"');

      ws.write(cert({ node: "pve1", triggers: { month: "1" } }));
      const planned = await ws.plan();
      expect(actionsOf(planned.json, address)).toEqual(["create"]);
      expect(await proxyCert("pve1"), "a plan orders nothing").toBeUndefined();
      const applied = await ws.applyPlan();
      expect(applied.output).toContain("Apply complete! Resources: 1 added");
      const ordered = await proxyCert("pve1");
      expect(ordered?.san).toEqual(["pve1.example.com", "api.example.com"]);
      expect(await outputsOf(ws)).toEqual({ fingerprint: ordered?.fingerprint, san: ["pve1.example.com", "api.example.com"] });
      expect(await acmeTasks("pve1")).toEqual(["acmenewcert", "acmeregister"]);
      await noChange(ws, "no changes after the order");

      // A renewal that is not due is PVE's refusal, unless forced; the state keeps the certificate.
      ws.write(cert({ node: "pve1", triggers: { month: "2" } }));
      const early = await ws.tofu(["apply", "-auto-approve", "-input=false"], { allowFailure: true });
      expect(early.code).not.toBe(0);
      expect(flat(early.output)).toContain("does not expire within the next 30 days, and 'force' is not set");
      expect((await proxyCert("pve1"))?.fingerprint).toBe(ordered?.fingerprint);

      ws.write(cert({ node: "pve1", force: true, triggers: { month: "2" } }));
      const renewal = await ws.plan();
      expect(actionsOf(renewal.json, address), "a trigger change renews in place").toEqual(["update"]);
      expect(replacePaths(renewal, address)).toEqual([]);
      await ws.applyPlan();
      const renewed = await proxyCert("pve1");
      expect(renewed?.fingerprint, "the renewal issued a new certificate").not.toBe(ordered?.fingerprint);
      expect(renewed?.san).toEqual(ordered?.san);
      expect((await outputsOf(ws))["fingerprint"]).toBe(renewed?.fingerprint);
      await noChange(ws, "no changes after the renewal");

      // Only the trigger changes: renewed again, still an update.
      ws.write(cert({ node: "pve1", force: true, triggers: { month: "3" } }));
      const again = await ws.plan();
      expect(actionsOf(again.json, address)).toEqual(["update"]);
      expect(replacePaths(again, address)).toEqual([]);
      await ws.applyPlan();
      const renewedAgain = await proxyCert("pve1");
      expect(renewedAgain?.fingerprint).not.toBe(renewed?.fingerprint);
      expect((await outputsOf(ws))["fingerprint"]).toBe(renewedAgain?.fingerprint);
      expect(await acmeTasks("pve1")).toEqual(["acmenewcert", "acmeregister", "acmerenew", "acmerenew"]);
      await noChange(ws, "no changes after the second renewal");

      const destroyed = await ws.tofu(["destroy", "-auto-approve", "-input=false"]);
      expect(destroyed.output).toContain("Destroy complete! Resources: 1 destroyed");
      expect(await proxyCert("pve1"), "destroy revoked the certificate").toBeUndefined();
      expect(await acmeTasks("pve1")).toEqual(["acmenewcert", "acmeregister", "acmerenew", "acmerenew", "acmerevoke"]);
    });
  }, 600_000);
});
