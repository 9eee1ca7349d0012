/** Users and groups in user.cfg, with PVE's messages. */
import { describe, expect, it } from "vitest";
import { raw, TEST_TOKEN } from "./testkit/raw";
import { useSimulator } from "./testkit/sim";

const sim = useSimulator();
const auth = { token: TEST_TOKEN };

describe("users and groups", () => {
  it("creates, reads, updates and deletes a user", async () => {
    await raw(sim(), "POST", "/access/groups", { auth, form: { groupid: "devs", comment: "developers" } });
    const c = await raw(sim(), "POST", "/access/users", { auth, form: { userid: "u1@pve", email: "u1@example.com", firstname: "U", groups: "devs", expire: 0 } });
    expect(c.status, c.reason).toBe(200);
    const r = await raw(sim(), "GET", "/access/users/u1@pve", { auth });
    expect(r.json?.data).toEqual({ enable: 1, expire: 0, email: "u1@example.com", firstname: "U", groups: ["devs"], tokens: {} });
    await raw(sim(), "PUT", "/access/users/u1@pve", { auth, form: { comment: "c", enable: 0 } });
    const list = await raw(sim(), "GET", "/access/users", { auth, query: { full: 1 } });
    expect(list.json?.data).toContainEqual({ userid: "u1@pve", enable: 0, expire: 0, email: "u1@example.com", firstname: "U", comment: "c", groups: "devs", "realm-type": "pve", tokens: [] });
    const g = await raw(sim(), "GET", "/access/groups/devs", { auth });
    expect(g.json?.data).toEqual({ comment: "developers", members: ["u1@pve"] });
    expect((await raw(sim(), "DELETE", "/access/users/u1@pve", { auth })).status).toBe(200);
    const gone = await raw(sim(), "GET", "/access/users/u1@pve", { auth });
    expect([gone.status, gone.reason]).toEqual([500, "no such user ('u1@pve')"]);
  });

  it("filters the list by enabled", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "off@pve", enable: 0 } });
    const r = await raw(sim(), "GET", "/access/users", { auth, query: { enabled: 1 } });
    expect((r.json?.data as { userid: string }[]).map((u) => u.userid)).not.toContain("off@pve");
  });

  it("uses PVE's messages for duplicates, unknown groups and realms", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "twice@pve" } });
    expect((await raw(sim(), "POST", "/access/users", { auth, form: { userid: "twice@pve" } })).reason).toBe("create user failed: user 'twice@pve' already exists");
    expect((await raw(sim(), "POST", "/access/users", { auth, form: { userid: "g@pve", groups: "nogroup" } })).reason).toBe("create user failed: no such group 'nogroup'");
    expect((await raw(sim(), "POST", "/access/users", { auth, form: { userid: "x@nowhere" } })).reason).toBe("create user failed: auth domain 'nowhere' does not exist");
    expect((await raw(sim(), "GET", "/access/groups/none", { auth })).reason).toBe("group 'none' does not exist");
    expect((await raw(sim(), "POST", "/access/groups", { auth, form: { groupid: "devs2" } })).status).toBe(200);
    expect((await raw(sim(), "POST", "/access/groups", { auth, form: { groupid: "devs2" } })).reason).toBe("create group failed: group 'devs2' already exists");
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

  it("changes a password (ticket only) and the new one logs in", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "pw@pve", password: "first-pass" } });
    const t = (await raw(sim(), "POST", "/access/ticket", { form: { username: "root@pam", password: "rootpw-123" } })).json?.data as { ticket: string; CSRFPreventionToken: string };
    const r = await raw(sim(), "PUT", "/access/password", { auth: { ticket: t.ticket, csrf: t.CSRFPreventionToken }, form: { userid: "pw@pve", password: "second-pass" } });
    expect(r.status, r.reason).toBe(200);
    expect((await raw(sim(), "POST", "/access/ticket", { form: { username: "pw", realm: "pve", password: "second-pass" } })).status).toBe(200);
  });
});
