/** Users and groups in user.cfg, with PVE's messages and user.cfg's read-back. */
import { describe, expect, it } from "vitest";
import { login, raw, TEST_TOKEN } from "../../testkit/raw";
import { useSimulator } from "../../testkit/sim";

const sim = useSimulator();
const auth = { token: TEST_TOKEN };

async function rootTicket(): Promise<{ ticket: string; csrf: string }> {
  return login(sim(), "root@pam", "rootpw-123");
}

describe("users and groups", () => {
  it("creates, reads, updates and deletes a user", async () => {
    await raw(sim(), "POST", "/access/groups", { auth, form: { groupid: "devs", comment: "developers" } });
    const c = await raw(sim(), "POST", "/access/users", {
      auth,
      form: { userid: "u1@pve", email: "u1@example.com", firstname: "U", groups: "devs", expire: 0 },
    });
    expect(c.status, c.reason).toBe(200);
    const r = await raw(sim(), "GET", "/access/users/u1@pve", { auth });
    // `tokens` is user.cfg's (undefined) token hash: JSON null while the user has none.
    expect(r.json?.data).toEqual({ enable: 1, expire: 0, email: "u1@example.com", firstname: "U", groups: ["devs"], tokens: null });
    await raw(sim(), "PUT", "/access/users/u1@pve", { auth, form: { comment: "c", enable: 0 } });
    const list = await raw(sim(), "GET", "/access/users", { auth, query: { full: 1 } });
    expect(list.json?.data).toContainEqual({
      userid: "u1@pve",
      enable: 0,
      expire: 0,
      email: "u1@example.com",
      firstname: "U",
      comment: "c",
      groups: "devs",
      "realm-type": "pve",
      tokens: null,
    });
    const g = await raw(sim(), "GET", "/access/groups/devs", { auth });
    expect(g.json?.data).toEqual({ comment: "developers", members: ["u1@pve"] });
    expect((await raw(sim(), "DELETE", "/access/users/u1@pve", { auth })).status).toBe(200);
    const gone = await raw(sim(), "GET", "/access/users/u1@pve", { auth });
    expect([gone.status, gone.reason]).toEqual([500, "no such user ('u1@pve')"]);
  });

  it("lists only the users the caller may audit: itself, and members of groups it holds User.Modify or Sys.Audit on", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "peek@pve", password: "peek-pass" } });
    await raw(sim(), "POST", "/access/groups", { auth, form: { groupid: "peekable" } });
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "member@pve", groups: "peekable" } });
    const t = await login(sim(), "peek@pve", "peek-pass");
    const ids = async (): Promise<string[]> =>
      ((await raw(sim(), "GET", "/access/users", { auth: t })).json?.data as { userid: string }[]).map((u) => u.userid);
    expect(await ids()).toEqual(["peek@pve"]);
    await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/access/groups/peekable", users: "peek@pve", roles: "PVEAuditor" } });
    expect(await ids()).toEqual(["member@pve", "peek@pve"]);
    // A token is not its owner: the owner is not listed for it by default.
    const mk = await raw(sim(), "POST", "/access/users/peek@pve/token/own", { auth, form: {} });
    const token = { token: `peek@pve!own=${(mk.json?.data as { value: string }).value}` };
    expect(((await raw(sim(), "GET", "/access/users", { auth: token })).json?.data as { userid: string }[]).map((u) => u.userid)).toEqual([]);
  });

  it("takes a deleted user out of its groups and the ACL, its tokens' entries included", async () => {
    await raw(sim(), "POST", "/access/groups", { auth, form: { groupid: "leavers" } });
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "bye@pve", groups: "leavers" } });
    await raw(sim(), "POST", "/access/users/bye@pve/token/tk", { auth, form: {} });
    await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/vms", users: "bye@pve", tokens: "bye@pve!tk", roles: "PVEAuditor" } });
    await raw(sim(), "DELETE", "/access/users/bye@pve", { auth });
    expect((await raw(sim(), "GET", "/access/groups/leavers", { auth })).json?.data).toEqual({ members: [] });
    const acl = (await raw(sim(), "GET", "/access/acl", { auth })).json?.data as Record<string, unknown>[];
    expect(acl.filter((e) => String(e["ugid"]).startsWith("bye@pve"))).toEqual([]);
  });

  it("takes a deleted group out of the ACL", async () => {
    await raw(sim(), "POST", "/access/groups", { auth, form: { groupid: "gone" } });
    await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/vms", groups: "gone", roles: "PVEAuditor" } });
    await raw(sim(), "DELETE", "/access/groups/gone", { auth });
    const acl = (await raw(sim(), "GET", "/access/acl", { auth })).json?.data as Record<string, unknown>[];
    expect(acl.filter((e) => e["ugid"] === "gone")).toEqual([]);
  });

  it("filters the list by enabled", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "off@pve", enable: 0 } });
    const r = await raw(sim(), "GET", "/access/users", { auth, query: { enabled: 1 } });
    expect((r.json?.data as { userid: string }[]).map((u) => u.userid)).not.toContain("off@pve");
  });

  it("uses PVE's messages for duplicates and unknown groups", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "twice@pve" } });
    expect((await raw(sim(), "POST", "/access/users", { auth, form: { userid: "twice@pve" } })).reason).toBe(
      "create user failed: user 'twice@pve' already exists",
    );
    expect((await raw(sim(), "POST", "/access/users", { auth, form: { userid: "g@pve", groups: "nogroup" } })).reason).toBe(
      "create user failed: no such group 'nogroup'",
    );
    expect((await raw(sim(), "GET", "/access/groups/none", { auth })).reason).toBe("group 'none' does not exist");
    expect((await raw(sim(), "POST", "/access/groups", { auth, form: { groupid: "devs2" } })).status).toBe(200);
    expect((await raw(sim(), "POST", "/access/groups", { auth, form: { groupid: "devs2" } })).reason).toBe("create group failed: group 'devs2' already exists");
  });

  it("keeps nothing of a create that names a missing group", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "half@pve", comment: "x", groups: "nogroup" } });
    expect((await raw(sim(), "GET", "/access/users/half@pve", { auth })).reason).toBe("no such user ('half@pve')");
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "keep@pve", comment: "before" } });
    const failed = await raw(sim(), "PUT", "/access/users/keep@pve", { auth, form: { comment: "after", groups: "nogroup" } });
    expect(failed.reason).toBe("update user failed: no such group 'nogroup'");
    expect((await raw(sim(), "GET", "/access/users/keep@pve", { auth })).json?.data).toMatchObject({ comment: "before" });
  });

  it("checks the realm only for a password: a user of an unknown realm can be created", async () => {
    expect((await raw(sim(), "POST", "/access/users", { auth, form: { userid: "x@nowhere" } })).status).toBe(200);
    const list = (await raw(sim(), "GET", "/access/users", { auth })).json?.data as Record<string, unknown>[];
    const entry = list.find((u) => u["userid"] === "x@nowhere");
    expect(entry).toBeDefined();
    expect(entry).not.toHaveProperty("realm-type");
    const withPassword = await raw(sim(), "POST", "/access/users", { auth, form: { userid: "y@nowhere", password: "password-1" } });
    expect(withPassword.reason).toBe("create user failed: auth domain 'nowhere' does not exist");
    await raw(sim(), "POST", "/access/domains", {
      auth,
      form: { realm: "dir", type: "ldap", server1: "ldap.example", base_dn: "dc=example", user_attr: "uid" },
    });
    const ldap = await raw(sim(), "POST", "/access/users", { auth, form: { userid: "l@dir", password: "password-1" } });
    expect(ldap.reason).toBe("create user failed: can't set password on auth type 'ldap'");
  });

  it("lists users sorted by id, with groups and tokens only when full", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "zed@pve" } });
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "amy@pve" } });
    await raw(sim(), "POST", "/access/users/amy@pve/token/tb", { auth, form: {} });
    await raw(sim(), "POST", "/access/users/amy@pve/token/ta", { auth, form: { comment: "first" } });
    const plain = (await raw(sim(), "GET", "/access/users", { auth })).json?.data as Record<string, unknown>[];
    const ids = plain.map((u) => String(u["userid"]));
    expect(ids).toEqual([...ids].sort());
    expect(plain.find((u) => u["userid"] === "amy@pve")).toEqual({ userid: "amy@pve", enable: 1, expire: 0, "realm-type": "pve" });
    const full = (await raw(sim(), "GET", "/access/users", { auth, query: { full: 1 } })).json?.data as Record<string, unknown>[];
    expect(full.find((u) => u["userid"] === "amy@pve")).toMatchObject({
      groups: "",
      tokens: [
        { tokenid: "ta", privsep: 1, expire: 0, comment: "first" },
        { tokenid: "tb", privsep: 1, expire: 0 },
      ],
    });
    expect(full.find((u) => u["userid"] === "zed@pve")).toMatchObject({ groups: "", tokens: null });
  });

  it("reads text fields back as user.cfg keeps them: trimmed, only when true, email empty before a comment", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "txt@pve", comment: "  spaced  ", firstname: "0" } });
    expect((await raw(sim(), "GET", "/access/users/txt@pve", { auth })).json?.data).toEqual({
      enable: 1,
      expire: 0,
      email: "",
      comment: "spaced",
      groups: [],
      tokens: null,
    });
    await raw(sim(), "PUT", "/access/users/txt@pve", { auth, json: { comment: "" } });
    expect((await raw(sim(), "GET", "/access/users/txt@pve", { auth })).json?.data).toEqual({ enable: 1, expire: 0, groups: [], tokens: null });
  });

  it("deletes a user that does not exist for root@pam, which skips the permission check", async () => {
    const t = await rootTicket();
    const byRoot = await raw(sim(), "DELETE", "/access/users/ghost@pve", { auth: t });
    expect(byRoot.status, byRoot.reason).toBe(200);
    // A token (even root's) is checked: `userid-group` needs the user to exist.
    const byToken = await raw(sim(), "DELETE", "/access/users/ghost@pve", { auth });
    expect([byToken.status, byToken.reason]).toEqual([500, "no such user ('ghost@pve')"]);
  });

  it("matches user ids without case in a case-insensitive realm", async () => {
    await raw(sim(), "POST", "/access/domains", {
      auth,
      form: { realm: "corp", type: "ad", server1: "dc.example", domain: "example.com", "case-sensitive": 0 },
    });
    expect((await raw(sim(), "POST", "/access/users", { auth, form: { userid: "Bob@corp" } })).status).toBe(200);
    expect((await raw(sim(), "POST", "/access/users", { auth, form: { userid: "bob@corp" } })).reason).toBe(
      "create user failed: user 'Bob@corp' already exists",
    );
  });

  it("reports the user's TFA types and has nothing to unlock", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "types@pve", password: "password-1" } });
    expect((await raw(sim(), "GET", "/access/users/types@pve/tfa", { auth })).json?.data).toEqual({});
    const t = await rootTicket();
    await raw(sim(), "POST", "/access/tfa/types@pve", { auth: t, form: { type: "recovery" } });
    expect((await raw(sim(), "GET", "/access/users/types@pve/tfa", { auth, query: { multiple: 1 } })).json?.data).toEqual({ user: ["recovery"] });
    expect((await raw(sim(), "PUT", "/access/users/types@pve/unlock-tfa", { auth })).json?.data).toBe(0);
  });

  it("replaces or appends group membership on update", async () => {
    await raw(sim(), "POST", "/access/groups", { auth, form: { groupid: "ga" } });
    await raw(sim(), "POST", "/access/groups", { auth, form: { groupid: "gb" } });
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "m@pve", groups: "ga" } });
    await raw(sim(), "PUT", "/access/users/m@pve", { auth, form: { groups: "gb", append: 1 } });
    expect((await raw(sim(), "GET", "/access/users/m@pve", { auth })).json?.data).toMatchObject({ groups: ["ga", "gb"] });
    await raw(sim(), "PUT", "/access/users/m@pve", { auth, form: { groups: "gb" } });
    expect((await raw(sim(), "GET", "/access/users/m@pve", { auth })).json?.data).toMatchObject({ groups: ["gb"] });
  });

  it("stores a group comment only when true, and lists groups to holders of User.Modify", async () => {
    await raw(sim(), "POST", "/access/groups", { auth, form: { groupid: "zero", comment: "0" } });
    expect((await raw(sim(), "GET", "/access/groups/zero", { auth })).json?.data).toEqual({ members: [] });
    await raw(sim(), "POST", "/access/roles", { auth, form: { roleid: "UserMod", privs: "User.Modify" } });
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "gm@pve", password: "password-1" } });
    await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/access/groups/zero", users: "gm@pve", roles: "UserMod" } });
    const t = await login(sim(), "gm@pve", "password-1");
    const groups = (await raw(sim(), "GET", "/access/groups", { auth: t })).json?.data as { groupid: string }[];
    expect(groups.map((g) => g.groupid)).toEqual(["zero"]);
  });

  it("changes a password (ticket only) and the new one logs in", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "pw@pve", password: "first-pass" } });
    const t = (await raw(sim(), "POST", "/access/ticket", { form: { username: "root@pam", password: "rootpw-123" } })).json?.data as {
      ticket: string;
      CSRFPreventionToken: string;
    };
    const r = await raw(sim(), "PUT", "/access/password", {
      auth: { ticket: t.ticket, csrf: t.CSRFPreventionToken },
      form: { userid: "pw@pve", password: "second-pass" },
    });
    expect(r.status, r.reason).toBe(200);
    expect((await raw(sim(), "POST", "/access/ticket", { form: { username: "pw", realm: "pve", password: "second-pass" } })).status).toBe(200);
  });

  it("re-authenticates password changes through the realm: a wrong confirmation is the realm's 500, not a 401", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "self@pve", password: "self-pass1" } });
    const t = await login(sim(), "self@pve", "self-pass1");
    const missing = await raw(sim(), "PUT", "/access/password", { auth: t, form: { userid: "self@pve", password: "self-pass2" } });
    expect([missing.status, missing.json?.errors]).toEqual([400, { "confirmation-password": "password is required to modify user" }]);
    const wrong = await raw(sim(), "PUT", "/access/password", {
      auth: t,
      form: { userid: "self@pve", password: "self-pass2", "confirmation-password": "not-my-pass" },
    });
    expect([wrong.status, wrong.reason]).toEqual([500, "invalid credentials"]);
    const right = await raw(sim(), "PUT", "/access/password", {
      auth: t,
      form: { userid: "self@pve", password: "self-pass2", "confirmation-password": "self-pass1" },
    });
    expect(right.status, right.reason).toBe(200);
  });

  it("refuses passwords of other realm types, and system users' passwords to anyone but root@pam", async () => {
    const t = await rootTicket();
    await raw(sim(), "POST", "/access/domains", {
      auth,
      form: { realm: "dir2", type: "ldap", server1: "ldap.example", base_dn: "dc=example", user_attr: "uid" },
    });
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "d@dir2" } });
    const ldap = await raw(sim(), "PUT", "/access/password", { auth: t, form: { userid: "d@dir2", password: "new-pass-1" } });
    expect([ldap.status, ldap.reason]).toEqual([500, "can't set password on auth type 'ldap'"]);
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "admin@pve", password: "admin-pass" } });
    await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/", users: "admin@pve", roles: "Administrator" } });
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "sys@pam" } });
    const admin = await login(sim(), "admin@pve", "admin-pass");
    const pam = await raw(sim(), "PUT", "/access/password", {
      auth: admin,
      form: { userid: "sys@pam", password: "new-pass-1", "confirmation-password": "admin-pass" },
    });
    expect([pam.status, pam.reason]).toEqual([403, "Permission check failed"]);
  });
});
