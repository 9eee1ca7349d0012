/** Roles (built-ins are fixed) and ACL entries. */
import { describe, expect, it } from "vitest";
import { login, raw, TEST_TOKEN } from "../../testkit/raw";
import { useSimulator } from "../../testkit/sim";

const sim = useSimulator();
const auth = { token: TEST_TOKEN };

describe("roles", () => {
  it("lists built-in roles as special with their privileges", async () => {
    const r = await raw(sim(), "GET", "/access/roles", { auth });
    expect(r.json?.data).toContainEqual({ roleid: "PVEAuditor", special: 1, privs: expect.stringContaining("Sys.Audit") as string });
    const one = await raw(sim(), "GET", "/access/roles/PVETemplateUser", { auth });
    expect(one.json?.data).toEqual({ "VM.Audit": 1, "VM.Clone": 1 });
  });

  it("creates, appends to and deletes a custom role", async () => {
    expect((await raw(sim(), "POST", "/access/roles", { auth, form: { roleid: "Ops", privs: "VM.Audit,Sys.Audit" } })).status).toBe(200);
    await raw(sim(), "PUT", "/access/roles/Ops", { auth, form: { privs: "VM.PowerMgmt", append: 1 } });
    expect((await raw(sim(), "GET", "/access/roles/Ops", { auth })).json?.data).toEqual({ "Sys.Audit": 1, "VM.Audit": 1, "VM.PowerMgmt": 1 });
    await raw(sim(), "PUT", "/access/roles/Ops", { auth, form: { privs: "VM.Audit" } });
    expect((await raw(sim(), "GET", "/access/roles/Ops", { auth })).json?.data).toEqual({ "VM.Audit": 1 });
    expect((await raw(sim(), "DELETE", "/access/roles/Ops", { auth })).status).toBe(200);
    expect((await raw(sim(), "GET", "/access/roles/Ops", { auth })).reason).toBe("role 'Ops' does not exist");
  });

  it("marks every role special or not (0/1)", async () => {
    await raw(sim(), "POST", "/access/roles", { auth, form: { roleid: "Plain", privs: "VM.Audit" } });
    const roles = (await raw(sim(), "GET", "/access/roles", { auth })).json?.data as Record<string, unknown>[];
    expect(roles.find((r) => r["roleid"] === "Plain")).toEqual({ roleid: "Plain", privs: "VM.Audit", special: 0 });
    expect(roles.find((r) => r["roleid"] === "NoAccess")).toEqual({ roleid: "NoAccess", privs: "", special: 1 });
  });

  it("drops the ACL entries of a deleted role (user.cfg's parser ignores them)", async () => {
    await raw(sim(), "POST", "/access/roles", { auth, form: { roleid: "Gone", privs: "VM.Audit" } });
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "roleuser@pve" } });
    await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/vms", users: "roleuser@pve", roles: "Gone" } });
    await raw(sim(), "DELETE", "/access/roles/Gone", { auth });
    await raw(sim(), "POST", "/access/roles", { auth, form: { roleid: "Gone", privs: "VM.Audit" } });
    const acl = (await raw(sim(), "GET", "/access/acl", { auth })).json?.data as Record<string, unknown>[];
    expect(acl.filter((e) => e["roleid"] === "Gone")).toEqual([]);
  });

  it("refuses privileges PVE 9 does not have", async () => {
    const r = await raw(sim(), "POST", "/access/roles", { auth, form: { roleid: "Old", privs: "VM.Audit,VM.Monitor" } });
    expect(r.status).toBe(400);
    expect(r.json?.errors?.["privs"]).toMatch(/invalid privilege 'VM.Monitor'/);
  });

  it("refuses to touch built-in roles or the PVE namespace", async () => {
    expect((await raw(sim(), "PUT", "/access/roles/PVEAdmin", { auth, form: { privs: "VM.Audit" } })).reason).toBe(
      "auto-generated role 'PVEAdmin' cannot be modified",
    );
    expect((await raw(sim(), "DELETE", "/access/roles/NoAccess", { auth })).reason).toBe("auto-generated role 'NoAccess' cannot be deleted");
    const ns = await raw(sim(), "POST", "/access/roles", { auth, form: { roleid: "pveMine" } });
    expect(ns.json?.errors).toEqual({ roleid: "cannot use role ID starting with the (case-insensitive) 'PVE' namespace" });
  });
});

describe("ACL", () => {
  it("adds and removes entries for users, groups and tokens", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "acl@pve" } });
    await raw(sim(), "POST", "/access/groups", { auth, form: { groupid: "aclg" } });
    await raw(sim(), "POST", "/access/users/acl@pve/token/tt", { auth, form: {} });
    const put = await raw(sim(), "PUT", "/access/acl", {
      auth,
      form: { path: "/storage/local/", users: "acl@pve", groups: "aclg", tokens: "acl@pve!tt", roles: "PVEDatastoreUser", propagate: 0 },
    });
    expect(put.status, put.reason).toBe(200);
    const list = (await raw(sim(), "GET", "/access/acl", { auth })).json?.data as Record<string, unknown>[];
    expect(list.filter((e) => e["path"] === "/storage/local")).toEqual([
      { path: "/storage/local", type: "user", ugid: "acl@pve", roleid: "PVEDatastoreUser", propagate: 0 },
      { path: "/storage/local", type: "group", ugid: "aclg", roleid: "PVEDatastoreUser", propagate: 0 },
      { path: "/storage/local", type: "token", ugid: "acl@pve!tt", roleid: "PVEDatastoreUser", propagate: 0 },
    ]);
    await raw(sim(), "PUT", "/access/acl", {
      auth,
      form: { path: "/storage/local", users: "acl@pve", groups: "aclg", tokens: "acl@pve!tt", roles: "PVEDatastoreUser", delete: 1 },
    });
    const after = (await raw(sim(), "GET", "/access/acl", { auth })).json?.data as Record<string, unknown>[];
    expect(after.filter((e) => e["path"] === "/storage/local")).toEqual([]);
  });

  it("never stores root@pam's entries: it is always Administrator", async () => {
    const put = await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/nodes", users: "root@pam", roles: "PVEAuditor" } });
    expect(put.status, put.reason).toBe(200);
    const acl = (await raw(sim(), "GET", "/access/acl", { auth })).json?.data as Record<string, unknown>[];
    expect(acl.filter((e) => e["ugid"] === "root@pam")).toEqual([]);
  });

  it("lists entries in ACL tree order: a path, then its sub-paths by name", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "tree@pve" } });
    for (const poolid of ["a", "a/b", "a-b"]) await raw(sim(), "POST", "/pools", { auth, form: { poolid } });
    for (const path of ["/pool/a-b", "/pool/a/b", "/pool/a"])
      await raw(sim(), "PUT", "/access/acl", { auth, form: { path, users: "tree@pve", roles: "PVEAuditor" } });
    const acl = (await raw(sim(), "GET", "/access/acl", { auth })).json?.data as Record<string, unknown>[];
    expect(acl.filter((e) => e["ugid"] === "tree@pve").map((e) => e["path"])).toEqual(["/pool/a", "/pool/a/b", "/pool/a-b"]);
  });

  it("shows entries to those who may modify them, and all of them with Sys.Audit on /access", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "seer@pve", password: "seer-pass" } });
    await raw(sim(), "POST", "/pools", { auth, form: { poolid: "mine" } });
    await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/pool/mine", users: "seer@pve", roles: "PVEPoolAdmin" } });
    await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/storage", users: "seer@pve", roles: "PVEDatastoreUser" } });
    const t = await login(sim(), "seer@pve", "seer-pass");
    const mine = (await raw(sim(), "GET", "/access/acl", { auth: t })).json?.data as Record<string, unknown>[];
    // Pool.Allocate on /pool/mine is check_perm_modify's privilege there; nothing on /storage.
    expect([...new Set(mine.map((e) => e["path"]))]).toEqual(["/pool/mine"]);
    await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/access", users: "seer@pve", roles: "PVEAuditor" } });
    const all = (await raw(sim(), "GET", "/access/acl", { auth: t })).json?.data as Record<string, unknown>[];
    expect(all.map((e) => e["path"])).toContain("/storage");
  });

  it("lets a user without Permissions.Modify grant only privileges it holds itself, propagated", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "vmadmin@pve", password: "vmadmin-pw" } });
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "helper@pve" } });
    await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/vms/100", users: "vmadmin@pve", roles: "PVEVMAdmin" } });
    const t = await login(sim(), "vmadmin@pve", "vmadmin-pw");
    // VM.Allocate on /vms/100 is check_perm_modify's privilege there.
    const ok = await raw(sim(), "PUT", "/access/acl", { auth: t, form: { path: "/vms/100", users: "helper@pve", roles: "PVEVMUser" } });
    expect(ok.status, ok.reason).toBe(200);
    const more = await raw(sim(), "PUT", "/access/acl", { auth: t, form: { path: "/vms/100", users: "helper@pve", roles: "PVEAdmin" } });
    expect([more.status, more.reason]).toEqual([500, "ACL update failed: 400 Parameter verification failed."]);
    expect(more.json?.message).toContain("role: Cannot add role 'PVEAdmin' - requires 'Permissions.Modify' or superset of privileges.");
    const none = await raw(sim(), "PUT", "/access/acl", { auth: t, form: { path: "/vms/100", users: "helper@pve", roles: "NoAccess" } });
    expect(none.json?.message).toContain("role: Cannot add role 'NoAccess' - requires 'Permissions.Modify'");
  });

  it("keeps nothing of an update that dies halfway", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "half@pve" } });
    const r = await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/vms", users: "half@pve", roles: "PVEAuditor,Ghost" } });
    expect(r.reason).toBe("ACL update failed: role 'Ghost' does not exist");
    const acl = (await raw(sim(), "GET", "/access/acl", { auth })).json?.data as Record<string, unknown>[];
    expect(acl.filter((e) => e["ugid"] === "half@pve")).toEqual([]);
  });

  it("uses PVE's messages for bad input", async () => {
    const none = await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/", roles: "PVEAuditor" } });
    const msg = "either 'users', 'groups' or 'tokens' is required.";
    expect(none.json?.errors).toEqual({ users: msg, groups: msg, tokens: msg });
    const badPath = await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/nowhere", users: "root@pam", roles: "PVEAuditor" } });
    expect(badPath.json?.errors).toEqual({ path: "invalid ACL path '/nowhere'" });
    // `normalize_path` takes letters, digits, `.`, `-`, `_` and `/` only; an empty path is none.
    const colon = await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/pool/a:b", users: "root@pam", roles: "PVEAuditor", delete: 1 } });
    expect(colon.json?.errors).toEqual({ path: "invalid ACL path '/pool/a:b'" });
    const empty = await raw(sim(), "PUT", "/access/acl", { auth, json: { path: "", users: "root@pam", roles: "PVEAuditor" } });
    expect(empty.json?.errors).toEqual({ path: "invalid ACL path ''" });
    // `check_path`: SDN DNS and IPAM ids are alphanumeric only.
    const ipam = await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/sdn/ipams/my-ipam", users: "root@pam", roles: "PVEAuditor" } });
    expect(ipam.json?.errors).toEqual({ path: "invalid ACL path '/sdn/ipams/my-ipam'" });
    const noUser = await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/", users: "ghost@pve", roles: "PVEAuditor" } });
    expect(noUser.reason).toBe("ACL update failed: user 'ghost@pve' does not exist");
    const noRole = await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/", users: "root@pam", roles: "Ghost" } });
    expect(noRole.reason).toBe("ACL update failed: role 'Ghost' does not exist");
  });
});
