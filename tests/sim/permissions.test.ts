/** Permission checks: ACL propagation, groups, NoAccess, pools, token privilege separation. */
import { describe, expect, it } from "vitest";
import { BUILTIN_ROLES, PRIVILEGES } from "./index";
import { login, raw, TEST_TOKEN } from "./testkit/raw";
import { useSimulator } from "./testkit/sim";

const sim = useSimulator();
const root = { token: TEST_TOKEN };

async function setup(form: Record<string, string | number>): Promise<void> {
  const r = await raw(sim(), "PUT", "/access/acl", { auth: root, form });
  expect(r.status, r.reason).toBe(200);
}

describe("privileges", () => {
  it("has PVE 9's privileges and built-in roles", () => {
    expect(PRIVILEGES).toContain("VM.Replicate");
    expect(PRIVILEGES).toContain("VM.GuestAgent.Unrestricted");
    expect(PRIVILEGES).not.toContain("VM.Monitor");
    expect(Object.keys(BUILTIN_ROLES)).toHaveLength(17);
    expect(BUILTIN_ROLES["PVEAdmin"]).not.toContain("Mapping.Modify");
    expect(BUILTIN_ROLES["PVEAdmin"]).not.toContain("Sys.Modify");
    expect(BUILTIN_ROLES["PVETemplateUser"]).toEqual(["VM.Audit", "VM.Clone"]);
    expect(BUILTIN_ROLES["PVEPoolUser"]).toEqual(["Pool.Audit"]);
  });
});

describe("permission checks", () => {
  it("denies with 403 Permission check failed (path, priv) as the reason", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "alice@pve", password: "alice-pass" } });
    const t = await login(sim(), "alice@pve", "alice-pass");
    const r = await raw(sim(), "POST", "/pools", { auth: t, form: { poolid: "alicepool" } });
    expect([r.status, r.reason]).toEqual([403, "Permission check failed (/pool/alicepool, Pool.Allocate)"]);
    expect(r.json?.message).toBe("Permission check failed (/pool/alicepool, Pool.Allocate)\n");
  });

  it("propagates ACLs down the tree unless propagate=0, and NoAccess overrides", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "bob@pve", password: "bob-passw" } });
    await setup({ path: "/pool", users: "bob@pve", roles: "PVEPoolAdmin" });
    const t = await login(sim(), "bob@pve", "bob-passw");
    expect((await raw(sim(), "POST", "/pools", { auth: t, form: { poolid: "bobs" } })).status).toBe(200);
    await setup({ path: "/pool/locked", users: "bob@pve", roles: "NoAccess" });
    expect((await raw(sim(), "POST", "/pools", { auth: t, form: { poolid: "locked" } })).status).toBe(403);
    await setup({ path: "/pool", users: "bob@pve", roles: "PVEPoolAdmin", propagate: 0 });
    expect((await raw(sim(), "POST", "/pools", { auth: t, form: { poolid: "other" } })).status).toBe(403);
  });

  it("grants through groups, and user ACLs override group ACLs on the same path", async () => {
    await raw(sim(), "POST", "/access/groups", { auth: root, form: { groupid: "ops" } });
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "carol@pve", password: "carol-pw1", groups: "ops" } });
    await setup({ path: "/", groups: "ops", roles: "PVEAuditor" });
    const t = await login(sim(), "carol@pve", "carol-pw1");
    const perms = await raw(sim(), "GET", "/access/permissions", { auth: t, query: { path: "/nodes/pve1" } });
    expect(perms.json?.data).toEqual({ "/nodes/pve1": expect.objectContaining({ "Sys.Audit": 1 }) });
    await setup({ path: "/", users: "carol@pve", roles: "NoAccess" });
    const after = await raw(sim(), "GET", "/access/permissions", { auth: t, query: { path: "/nodes/pve1" } });
    expect(after.json?.data).toEqual({ "/nodes/pve1": {} });
  });

  it("intersects privsep token ACLs with the user's privileges", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "dave@pve" } });
    await setup({ path: "/pool", users: "dave@pve", roles: "PVEPoolAdmin" });
    const mk = await raw(sim(), "POST", "/access/users/dave@pve/token/ci", { auth: root, form: {} });
    const token = { token: `dave@pve!ci=${(mk.json?.data as { value: string }).value}` };
    expect((mk.json?.data as { info: { privsep: number } }).info.privsep).toBe(1);
    const denied = await raw(sim(), "POST", "/pools", { auth: token, form: { poolid: "tok1" } });
    expect(denied.reason).toBe("Permission check failed (/pool/tok1, Pool.Allocate)");
    await setup({ path: "/pool", tokens: "dave@pve!ci", roles: "Administrator" });
    expect((await raw(sim(), "POST", "/pools", { auth: token, form: { poolid: "tok1" } })).status).toBe(200);
    // Administrator on the token, but the user lacks Sys.Modify: the intersection lacks it too.
    const perms = await raw(sim(), "GET", "/access/permissions", { auth: token, query: { path: "/pool/x" } });
    expect(Object.keys((perms.json?.data as Record<string, Record<string, number>>["/pool/x"]) ?? {})).not.toContain("Sys.Modify");
  });

  it("applies pool ACLs to the pool's members", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "erin@pve", password: "erin-pass" } });
    await raw(sim(), "POST", "/pools", { auth: root, form: { poolid: "team" } });
    await raw(sim(), "PUT", "/pools/team", { auth: root, form: { vms: "105" } });
    await setup({ path: "/pool/team", users: "erin@pve", roles: "PVEVMUser" });
    const t = await login(sim(), "erin@pve", "erin-pass");
    const r = await raw(sim(), "GET", "/access/permissions", { auth: t, query: { path: "/vms/105" } });
    // Roles that come from a pool never propagate.
    expect(r.json?.data).toEqual({ "/vms/105": expect.objectContaining({ "VM.PowerMgmt": 0 }) });
  });

  it("lets a pool's NoAccess trump the member's own ACL, but not the other way round", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "fay@pve" } });
    await raw(sim(), "POST", "/pools", { auth: root, form: { poolid: "locked" } });
    await raw(sim(), "PUT", "/pools", { auth: root, form: { poolid: "locked", vms: "106" } });
    await setup({ path: "/vms/106", users: "fay@pve", roles: "PVEVMUser" });
    await setup({ path: "/pool/locked", users: "fay@pve", roles: "NoAccess" });
    const r = await raw(sim(), "GET", "/access/permissions", { auth: root, query: { userid: "fay@pve", path: "/vms/106" } });
    expect(r.json?.data).toEqual({ "/vms/106": {} });
  });

  it("propagates a privsep token's privilege only where both the token's and the user's propagate", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "gus@pve" } });
    const mk = await raw(sim(), "POST", "/access/users/gus@pve/token/ci", { auth: root, form: {} });
    expect(mk.status).toBe(200);
    await setup({ path: "/storage", users: "gus@pve", roles: "PVEDatastoreUser", propagate: 0 });
    await setup({ path: "/storage", tokens: "gus@pve!ci", roles: "PVEDatastoreUser" });
    const r = await raw(sim(), "GET", "/access/permissions", { auth: root, query: { userid: "gus@pve!ci", path: "/storage" } });
    expect(r.json?.data).toEqual({ "/storage": { "Datastore.AllocateSpace": 0, "Datastore.Audit": 0 } });
  });

  it("dumps effective permissions for the top-level paths, ACL paths and pool members, keyed by the path as given", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "hal@pve" } });
    await raw(sim(), "POST", "/pools", { auth: root, form: { poolid: "halpool" } });
    await raw(sim(), "PUT", "/pools", { auth: root, form: { poolid: "halpool", vms: "107" } });
    await setup({ path: "/pool/halpool", users: "hal@pve", roles: "PVEVMAdmin" });
    await setup({ path: "/mapping", users: "hal@pve", roles: "PVEMappingUser" });
    const all = (await raw(sim(), "GET", "/access/permissions", { auth: root, query: { userid: "hal@pve" } })).json?.data as Record<string, unknown>;
    expect(Object.keys(all).sort()).toEqual(["/mapping", "/pool/halpool", "/vms/107"]);
    const raw_ = await raw(sim(), "GET", "/access/permissions", { auth: root, query: { userid: "hal@pve", path: "/vms/107/" } });
    expect(Object.keys(raw_.json?.data as object)).toEqual(["/vms/107/"]);
  });

  it("lets a token dump its own permissions but not its siblings' without Sys.Audit", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "ivy@pve" } });
    const a = await raw(sim(), "POST", "/access/users/ivy@pve/token/ta", { auth: root, form: {} });
    await raw(sim(), "POST", "/access/users/ivy@pve/token/tb", { auth: root, form: {} });
    const token = { token: `ivy@pve!ta=${(a.json?.data as { value: string }).value}` };
    expect((await raw(sim(), "GET", "/access/permissions", { auth: token })).status).toBe(200);
    const sibling = await raw(sim(), "GET", "/access/permissions", { auth: token, query: { userid: "ivy@pve!tb" } });
    expect([sibling.status, sibling.reason]).toEqual([403, "Permission check failed (/access, Sys.Audit)"]);
  });

  it("computes a login's cap from the pool paths too: a pool lends VM privileges to 'vms'", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "jo@pve", password: "jo-passwd" } });
    await raw(sim(), "POST", "/pools", { auth: root, form: { poolid: "jopool" } });
    await setup({ path: "/pool/jopool", users: "jo@pve", roles: "PVEVMUser" });
    const r = await raw(sim(), "POST", "/access/ticket", { form: { username: "jo@pve", password: "jo-passwd" } });
    const cap = (r.json?.data as { cap: Record<string, Record<string, number>> }).cap;
    expect(cap["vms"]).toMatchObject({ "VM.PowerMgmt": 1, "VM.Console": 1 });
    expect(cap["dc"]).toEqual({});
  });
});
