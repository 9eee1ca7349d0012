/**
 * The action kinds `access.RealmSync`, `node.AptUpdate` and `node.ServiceAction`, and the ACME
 * certificate order whose update renews it (`node.AcmeCertificate`, `updateOnTriggers`), through the
 * real `pulumi` CLI: one stack per group, one CLI operation per phase for every kind of the group.
 * Invalid input fails the preview naming the field; up runs each action as a task on PVE; a preview
 * of the same program is `same`; a trigger change replaces an action (it runs again) but updates the
 * certificate (it renews); refresh shows no drift; destroy forgets the actions (undoing nothing) and
 * revokes the certificate.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProxmoxClient } from "../../provider/client";
import { LE_TOS, b64, task } from "../e2e/acme-scenarios";
import { TOKEN_SECRET, stepsOf, type Declared } from "../e2e/harness";
import { newRealStack, type RealStack } from "./e2e";
import type { CliResult } from "./stack";

const SUITE = "kinds-actions";

interface Task {
  type: string;
  id: string;
  upid: string;
  status?: string;
}

interface ExportedResource {
  urn: string;
  type: string;
  outputs?: Record<string, unknown>;
}

const res = (namespace: string, kind: string, name: string, args: Record<string, unknown>): Declared => ({ namespace, kind, name, args });

function errorsOf(result: CliResult): string {
  return [...result.errors.map((e) => `${e.urn}: ${e.message}`), result.stderr.slice(-4000)].join("\n");
}

const step = (result: CliResult, name: string) => result.steps.find((s) => s.name === name);

/** The tasks of `type` that `node` ran (finished ones, as PVE's task archive lists them). */
const tasksOf = async (admin: ProxmoxClient, node: string, type: string): Promise<Task[]> =>
  (await admin.get<Task[]>(`/nodes/${node}/tasks`, { limit: 1000, typefilter: type })).filter((t) => t.type === type);

/** The custom resources of `pulumi stack export`, by name. */
async function exported(stack: RealStack): Promise<Map<string, ExportedResource>> {
  const state = (await stack.exportState()) as { deployment?: { resources?: ExportedResource[] } };
  const resources = (state.deployment?.resources ?? []).filter((r) => !r.type.startsWith("pulumi:"));
  return new Map(resources.map((r) => [r.urn.split("::").pop() ?? r.urn, r]));
}

describe("access.RealmSync, node.AptUpdate and node.ServiceAction through the real pulumi CLI", () => {
  let stack: RealStack;
  const user = async (id: string): Promise<boolean> => (await stack.admin.get<Array<{ userid: string }>>("/access/users")).some((u) => u.userid === id);
  const postfix = async (): Promise<string> => (await stack.admin.get<{ state: string }>("/nodes/pve1/services/postfix/state")).state;
  const counts = async (): Promise<Record<string, number>> => ({
    sync: (await tasksOf(stack.admin, "pve1", "auth-realm-sync")).length,
    apt: (await tasksOf(stack.admin, "pve1", "aptupdate")).length,
    stop: (await tasksOf(stack.admin, "pve1", "srvstop")).filter((t) => t.id === "postfix").length,
  });
  const actions = (trigger: string): Declared[] => [
    res("access", "RealmSync", "sync", { realm: "corp", scope: "users", removeVanished: "acl;entry", triggers: { run: trigger } }),
    res("node", "AptUpdate", "apt", { node: "pve1", quiet: true, triggers: { week: trigger } }),
    res("node", "ServiceAction", "svc", { node: "pve1", service: "postfix", action: "stop", triggers: { config: trigger } }),
  ];
  const NAMES = ["apt", "svc", "sync"];
  /** The upid each action's state holds now. */
  const upids = async (): Promise<Record<string, unknown>> => {
    const state = await exported(stack);
    return Object.fromEntries(NAMES.map((n) => [n, state.get(n)?.outputs?.["upid"]]));
  };
  let firstRun: Record<string, unknown> = {};

  beforeAll(async () => {
    stack = await newRealStack(SUITE, { auth: "token", stack: "actions" });
    const ldap = { type: "ldap", server1: "ldap.example.com", base_dn: "dc=example", user_attr: "uid" };
    await stack.admin.post("/access/domains", { realm: "corp", ...ldap });
    await stack.admin.post("/access/domains", { realm: "noscope", ...ldap });
    // A user of the realm the (empty) directory no longer has, with an ACL entry: the sync removes both.
    await stack.admin.post("/access/users", { userid: "ann@corp" });
    await stack.admin.put("/access/acl", { path: "/vms", users: "ann@corp", roles: "PVEAuditor" });
  }, 300_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("invalid inputs fail the preview, naming the field; nothing runs", async () => {
    const cases: Array<[Declared, string, RegExp]> = [
      [res("access", "RealmSync", "sync", { realm: "corp", scope: "everything" }), "scope", /expected one of "users"\|"groups"\|"both"/],
      // Checked against PVE: the realm there has no default scope.
      [res("access", "RealmSync", "sync", { realm: "noscope" }), "scope", /realm 'noscope' has no default scope/],
      [res("node", "AptUpdate", "apt", { node: "pve1", quiet: "loudly" }), "quiet", /expected boolean/],
      [res("node", "AptUpdate", "apt", { node: "pve1", upgrade: true }), "upgrade", /PVE's API has no apt upgrade operation/],
      [res("node", "ServiceAction", "svc", { node: "pve1", service: "postfix", action: "explode" }), "action", /explode|expected one of/],
    ];
    for (const [declared, property, reason] of cases) {
      const label = `${declared.namespace}.${declared.kind} ${JSON.stringify(declared.args)}`;
      const rejected = await stack.preview([declared]);
      expect(rejected.ok, `${label}: invalid inputs fail the preview`).toBe(false);
      const message = step(rejected, declared.name)?.error ?? errorsOf(rejected);
      expect(message, label).toMatch(new RegExp(`\\b${property}\\b`));
      expect(message, label).toMatch(reason);
    }
    expect(await counts(), "no failed preview ran anything").toEqual({ sync: 0, apt: 0, stop: 0 });
    expect(await stack.admin.get<unknown[]>("/nodes/pve1/apt/update")).toEqual([]);
  }, 600_000);

  it("preview runs nothing; up runs each action as a task; a preview of the same program is same", async () => {
    const planned = await stack.preview(actions("1"));
    expect(planned.ok, errorsOf(planned)).toBe(true);
    expect(stepsOf(planned)).toEqual(["create apt", "create svc", "create sync"]);
    expect(await counts(), "a preview runs nothing").toEqual({ sync: 0, apt: 0, stop: 0 });
    expect(await user("ann@corp")).toBe(true);

    const created = await stack.up(actions("1"));
    expect(created.ok, errorsOf(created)).toBe(true);
    expect(stepsOf(created)).toEqual(["create apt", "create svc", "create sync"]);
    expect(await counts()).toEqual({ sync: 1, apt: 1, stop: 1 });
    // The effects on PVE: the vanished user and its ACL entries gone, the index refreshed, the service stopped.
    expect(await user("ann@corp")).toBe(false);
    expect((await stack.admin.get<Array<{ ugid: string }>>("/access/acl")).filter((e) => e.ugid === "ann@corp")).toEqual([]);
    expect((await stack.admin.get<Array<{ Package: string }>>("/nodes/pve1/apt/update")).map((p) => p.Package)).toContain("pve-manager");
    expect(await postfix()).toBe("dead");
    // Each state holds the task it ran.
    firstRun = await upids();
    expect(firstRun["sync"]).toBe((await tasksOf(stack.admin, "pve1", "auth-realm-sync"))[0]?.upid);
    expect(firstRun["apt"]).toBe((await tasksOf(stack.admin, "pve1", "aptupdate"))[0]?.upid);
    expect(firstRun["svc"]).toBe((await tasksOf(stack.admin, "pve1", "srvstop"))[0]?.upid);
    const outputs = await exported(stack);
    for (const name of NAMES) expect(outputs.get(name)?.outputs?.["exitStatus"], name).toBe("OK");
    expect(JSON.stringify(await stack.exportState()), "no token in pulumi stack export").not.toContain(TOKEN_SECRET);

    const again = await stack.preview(actions("1"), { expectNoChanges: true });
    expect(again.ok, `no-op preview: ${errorsOf(again)}`).toBe(true);
    expect(stepsOf(again)).toEqual(["same apt", "same svc", "same sync"]);
    expect(await counts()).toEqual({ sync: 1, apt: 1, stop: 1 });
  }, 600_000);

  it("a trigger change is a replacement, naming triggers, and runs each action again", async () => {
    // Undone by hand: a new user of the realm, the service started again.
    await stack.admin.post("/access/users", { userid: "bob@corp" });
    await task(stack.admin, stack.admin.post("/nodes/pve1/services/postfix/start"));
    expect(await postfix()).toBe("running");

    const planned = await stack.preview(actions("2"));
    expect(planned.ok, errorsOf(planned)).toBe(true);
    for (const name of NAMES) {
      expect(step(planned, name)?.op, name).toBe("replace");
      expect(step(planned, name)?.replaces, name).toEqual(["triggers"]);
      expect(step(planned, name)?.diffs, name).toEqual(["triggers"]);
    }
    expect(await counts(), "a preview runs nothing").toEqual({ sync: 1, apt: 1, stop: 1 });

    const replaced = await stack.up(actions("2"));
    expect(replaced.ok, errorsOf(replaced)).toBe(true);
    expect(stepsOf(replaced)).toEqual(["replace apt", "replace svc", "replace sync"]);
    expect(await counts()).toEqual({ sync: 2, apt: 2, stop: 2 });
    expect(await user("bob@corp"), "the rerun synced again").toBe(false);
    expect(await postfix(), "the rerun stopped the service again").toBe("dead");
    const now = await upids();
    for (const name of NAMES) expect(now[name], `${name}: the state holds the new run`).not.toBe(firstRun[name]);
    expect((await tasksOf(stack.admin, "pve1", "auth-realm-sync")).map((t) => t.upid)).toContain(now["sync"]);
    expect((await tasksOf(stack.admin, "pve1", "aptupdate")).map((t) => t.upid)).toContain(now["apt"]);
    expect((await tasksOf(stack.admin, "pve1", "srvstop")).map((t) => t.upid)).toContain(now["svc"]);
    expect(stepsOf(await stack.preview(actions("2"), { expectNoChanges: true }))).toEqual(["same apt", "same svc", "same sync"]);
  }, 600_000);

  it("refresh of an action shows no drift and runs nothing", async () => {
    const refreshed = await stack.refresh(actions("2"));
    expect(refreshed.ok, errorsOf(refreshed)).toBe(true);
    for (const name of NAMES) {
      expect(step(refreshed, name)?.drift, name).toEqual([]);
      expect(step(refreshed, name)?.deleted, name).toBeUndefined();
    }
    expect(await counts()).toEqual({ sync: 2, apt: 2, stop: 2 });
    expect(stepsOf(await stack.preview(actions("2"), { expectNoChanges: true }))).toEqual(["same apt", "same svc", "same sync"]);
  }, 600_000);

  it("destroy forgets the runs and undoes nothing", async () => {
    const before = await stack.admin.get<unknown[]>("/nodes/pve1/apt/update");
    const destroyed = await stack.destroy(actions("2"));
    expect(destroyed.ok, errorsOf(destroyed)).toBe(true);
    expect(stepsOf(destroyed)).toEqual(["delete apt", "delete svc", "delete sync"]);
    expect([...(await exported(stack)).keys()]).toEqual([]);
    expect(await counts(), "destroy runs no task").toEqual({ sync: 2, apt: 2, stop: 2 });
    expect(await postfix(), "the service is not started again").toBe("dead");
    expect(await user("ann@corp")).toBe(false);
    expect(await user("bob@corp")).toBe(false);
    expect(await stack.admin.get<Record<string, unknown>>("/access/domains/corp")).toMatchObject({ type: "ldap" });
    expect(await stack.admin.get<unknown[]>("/nodes/pve1/apt/update")).toEqual(before);
  }, 600_000);
});

describe("node.AcmeCertificate through the real pulumi CLI, with ticket auth", () => {
  type Info = { filename: string; fingerprint: string; san: string[] };
  let stack: RealStack;
  const proxyCert = async (): Promise<Info | undefined> =>
    (await stack.admin.get<Info[]>("/nodes/pve1/certificates/info")).find((i) => i.filename === "pveproxy-ssl.pem");
  const acmeTasks = async (): Promise<string[]> =>
    (await stack.admin.get<Task[]>("/nodes/pve1/tasks", { limit: 1000 }))
      .map((t) => t.type)
      .filter((t) => t.startsWith("acme"))
      .sort();
  const fingerprintInState = async (): Promise<unknown> => (await exported(stack)).get("cert")?.outputs?.["fingerprint"];
  // `force`: renew whenever the trigger says so, not only within 30 days of expiry.
  const cert = (month: string): Declared[] => [res("node", "AcmeCertificate", "cert", { node: "pve1", force: true, triggers: { month } })];
  let ordered: Info | undefined;

  beforeAll(async () => {
    // Registering the account needs root@pam's password (PVE refuses API tokens there).
    stack = await newRealStack(SUITE, { auth: "ticket", stack: "acme" });
    await task(stack.admin, stack.admin.post("/cluster/acme/account", { contact: "admin@example.com", tos_url: LE_TOS }));
    await stack.admin.post("/cluster/acme/plugins", { id: "cf1", type: "dns", api: "cf", data: b64("CF_Token=x\n") });
    await stack.admin.put("/nodes/pve1/config", { acme: "domains=pve1.example.com", acmedomain0: "domain=api.example.com,plugin=cf1" });
  }, 300_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("invalid input fails the preview, naming the field; nothing is ordered", async () => {
    const rejected = await stack.preview([res("node", "AcmeCertificate", "cert", { node: "pve1", force: "maybe" })]);
    expect(rejected.ok).toBe(false);
    expect(step(rejected, "cert")?.error ?? errorsOf(rejected)).toMatch(/\bforce\b/);
    expect(await proxyCert()).toBeUndefined();
  }, 600_000);

  it("preview orders nothing; up orders; a preview of the same program is same", async () => {
    const planned = await stack.preview(cert("1"));
    expect(planned.ok, errorsOf(planned)).toBe(true);
    expect(stepsOf(planned)).toEqual(["create cert"]);
    expect(await proxyCert(), "a preview orders nothing").toBeUndefined();

    const created = await stack.up(cert("1"));
    expect(created.ok, errorsOf(created)).toBe(true);
    ordered = await proxyCert();
    expect(ordered?.san).toEqual(["pve1.example.com", "api.example.com"]);
    expect(await fingerprintInState()).toBe(ordered?.fingerprint);
    expect(await acmeTasks()).toEqual(["acmenewcert", "acmeregister"]);
    const exportedText = JSON.stringify(await stack.exportState());
    expect(exportedText, "no password in pulumi stack export").not.toContain(stack.sim.rootPassword);

    const again = await stack.preview(cert("1"), { expectNoChanges: true });
    expect(again.ok, `no-op preview: ${errorsOf(again)}`).toBe(true);
    expect(stepsOf(again)).toEqual(["same cert"]);
  }, 600_000);

  it("a trigger change is an update that renews the certificate, not a replacement", async () => {
    const planned = await stack.preview(cert("2"));
    expect(planned.ok, errorsOf(planned)).toBe(true);
    expect(stepsOf(planned)).toEqual(["update cert"]);
    expect(step(planned, "cert")?.diffs).toEqual(["triggers"]);
    expect(step(planned, "cert")?.replaces).toBeUndefined();

    const renewed = await stack.up(cert("2"));
    expect(renewed.ok, errorsOf(renewed)).toBe(true);
    expect(stepsOf(renewed)).toEqual(["update cert"]);
    const now = await proxyCert();
    expect(now?.fingerprint, "the renewal issued a new certificate").not.toBe(ordered?.fingerprint);
    expect(now?.san).toEqual(ordered?.san);
    expect(await fingerprintInState()).toBe(now?.fingerprint);
    // Renewed, not revoked and ordered again.
    expect(await acmeTasks()).toEqual(["acmenewcert", "acmeregister", "acmerenew"]);
    ordered = now;
    expect(stepsOf(await stack.preview(cert("2"), { expectNoChanges: true }))).toEqual(["same cert"]);
  }, 600_000);

  it("refresh shows no drift; destroy revokes the certificate", async () => {
    const refreshed = await stack.refresh(cert("2"));
    expect(refreshed.ok, errorsOf(refreshed)).toBe(true);
    expect(step(refreshed, "cert")?.drift).toEqual([]);
    expect(await fingerprintInState()).toBe(ordered?.fingerprint);

    const destroyed = await stack.destroy(cert("2"));
    expect(destroyed.ok, errorsOf(destroyed)).toBe(true);
    expect(stepsOf(destroyed)).toEqual(["delete cert"]);
    expect(await proxyCert(), "destroy revoked the certificate").toBeUndefined();
    expect(await acmeTasks()).toEqual(["acmenewcert", "acmeregister", "acmerenew", "acmerevoke"]);
  }, 600_000);
});
