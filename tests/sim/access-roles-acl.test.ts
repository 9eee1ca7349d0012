/** Roles (built-ins are fixed) and ACL entries. */
import { describe, expect, it } from "vitest";
import { raw, TEST_TOKEN } from "./testkit/raw";
import { useSimulator } from "./testkit/sim";

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

  it("refuses to touch built-in roles or the PVE namespace", async () => {
    expect((await raw(sim(), "PUT", "/access/roles/PVEAdmin", { auth, form: { privs: "VM.Audit" } })).reason).toBe("auto-generated role 'PVEAdmin' cannot be modified");
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
    const put = await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/storage/local/", users: "acl@pve", groups: "aclg", tokens: "acl@pve!tt", roles: "PVEDatastoreUser", propagate: 0 } });
    expect(put.status, put.reason).toBe(200);
    const list = (await raw(sim(), "GET", "/access/acl", { auth })).json?.data as Record<string, unknown>[];
    expect(list.filter((e) => e["path"] === "/storage/local")).toEqual([
      { path: "/storage/local", type: "user", ugid: "acl@pve", roleid: "PVEDatastoreUser", propagate: 0 },
      { path: "/storage/local", type: "group", ugid: "aclg", roleid: "PVEDatastoreUser", propagate: 0 },
      { path: "/storage/local", type: "token", ugid: "acl@pve!tt", roleid: "PVEDatastoreUser", propagate: 0 },
    ]);
    await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/storage/local", users: "acl@pve", groups: "aclg", tokens: "acl@pve!tt", roles: "PVEDatastoreUser", delete: 1 } });
    const after = (await raw(sim(), "GET", "/access/acl", { auth })).json?.data as Record<string, unknown>[];
    expect(after.filter((e) => e["path"] === "/storage/local")).toEqual([]);
  });

  it("uses PVE's messages for bad input", async () => {
    const none = await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/", roles: "PVEAuditor" } });
    const msg = "either 'users', 'groups' or 'tokens' is required.";
    expect(none.json?.errors).toEqual({ users: msg, groups: msg, tokens: msg });
    const badPath = await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/nowhere", users: "root@pam", roles: "PVEAuditor" } });
    expect(badPath.json?.errors).toEqual({ path: "invalid ACL path '/nowhere'" });
    const noUser = await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/", users: "ghost@pve", roles: "PVEAuditor" } });
    expect(noUser.reason).toBe("ACL update failed: user 'ghost@pve' does not exist");
    const noRole = await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/", users: "root@pam", roles: "Ghost" } });
    expect(noRole.reason).toBe("ACL update failed: role 'Ghost' does not exist");
  });
});
