/** Parameter intake: where parameters come from and how they are merged (PVE's extract_params). */
import { describe, expect, it } from "vitest";
import { raw, TEST_TOKEN } from "./testkit/raw";
import { useSimulator } from "./testkit/sim";

const sim = useSimulator();
const auth = { token: TEST_TOKEN };

describe("parameter intake", () => {
  it("turns + into a space in form bodies and keeps %2B as a plus", async () => {
    await raw(sim(), "POST", "/pools", { auth, body: "poolid=p1&comment=a+b%2Bc", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    const r = await raw(sim(), "GET", "/pools/p1", { auth });
    expect((r.json?.data as { comment: string }).comment).toBe("a b+c");
  });

  it("merges the query into a POST body, the query winning", async () => {
    await raw(sim(), "POST", "/pools", { auth, form: { poolid: "p2", comment: "from-body" }, query: { comment: "from-query" } });
    const r = await raw(sim(), "GET", "/pools/p2", { auth });
    expect((r.json?.data as { comment: string }).comment).toBe("from-query");
  });

  it("accepts JSON bodies with JSON booleans", async () => {
    const r = await raw(sim(), "POST", "/access/users", { auth, json: { userid: "json@pve", enable: false } });
    expect(r.status).toBe(200);
    const u = await raw(sim(), "GET", "/access/users/json@pve", { auth });
    expect((u.json?.data as { enable: number }).enable).toBe(0);
  });

  it("joins repeated keys for -list formats", async () => {
    await raw(sim(), "POST", "/access/groups", { auth, form: { groupid: "g1" } });
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "rep@pve" } });
    const r = await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/vms", users: "rep@pve", roles: ["PVEAuditor", "PVEVMUser"] } });
    expect(r.status).toBe(200);
    const acl = await raw(sim(), "GET", "/access/acl", { auth });
    const roles = (acl.json?.data as { ugid: string; roleid: string }[]).filter((e) => e.ugid === "rep@pve").map((e) => e.roleid);
    expect(roles.sort()).toEqual(["PVEAuditor", "PVEVMUser"]);
  });

  it("drops the ExtJS cache buster _dc", async () => {
    const r = await raw(sim(), "GET", "/version", { auth, query: { _dc: 12345 } });
    expect(r.status).toBe(200);
  });

  it("reads GET parameters from the query only", async () => {
    const r = await raw(sim(), "GET", "/access/users", { auth, query: { full: "yes" } });
    expect(r.json?.errors).toEqual({ full: "type check ('boolean') failed - got 'yes'" });
  });

  it("refuses a path parameter repeated with a different value", async () => {
    const r = await raw(sim(), "GET", "/access/users/root@pam", { auth, query: { userid: "other@pve" } });
    expect(r.status).toBe(400);
    expect(r.json?.errors).toEqual({ userid: "duplicate parameter (already defined in URI) with conflicting values!" });
    const same = await raw(sim(), "GET", "/access/users/root@pam", { auth, query: { userid: "root@pam" } });
    expect(same.status).toBe(200);
  });
});
