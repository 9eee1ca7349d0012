/** Realms (domains.cfg): options per type, the built-in realms, and realm sync. */
import { describe, expect, it } from "vitest";
import { raw, TEST_TOKEN, waitTask } from "../../testkit/raw";
import { useSimulator } from "../../testkit/sim";

const sim = useSimulator();
const auth = { token: TEST_TOKEN };
const LDAP = { type: "ldap", server1: "ldap.example.com", base_dn: "dc=example,dc=com", user_attr: "uid" };

async function taskLog(upid: string): Promise<string[]> {
  await waitTask(sim(), auth, upid);
  const node = upid.split(":")[1] ?? "";
  const log = await raw(sim(), "GET", `/nodes/${node}/tasks/${encodeURIComponent(upid)}/log`, { auth, query: { limit: 100 } });
  return (log.json?.data as { t: string }[]).map((l) => l.t);
}

describe("realm options per type", () => {
  it("refuses options of another type and missing required options, as check_config does", async () => {
    const foreign = await raw(sim(), "POST", "/access/domains", { auth, form: { realm: "l1", ...LDAP, "issuer-url": "https://id.example" } });
    expect([foreign.status, foreign.reason]).toEqual([500, "add auth server failed: unexpected property 'issuer-url'"]);
    const openidTfa = await raw(sim(), "POST", "/access/domains", {
      auth,
      form: { realm: "o1", type: "openid", "issuer-url": "https://id.example", "client-id": "pve", tfa: "type=oath" },
    });
    expect(openidTfa.reason).toBe("add auth server failed: unexpected property 'tfa'");
    const missing = await raw(sim(), "POST", "/access/domains", { auth, form: { realm: "l2", type: "ldap", server1: "ldap.example.com", base_dn: "dc=x" } });
    expect(missing.reason).toBe("add auth server failed: missing value for required option 'user_attr'");
    expect((await raw(sim(), "GET", "/access/domains/l2", { auth })).reason).toBe("domain 'l2' does not exist");
    await raw(sim(), "POST", "/access/domains", { auth, form: { realm: "l3", ...LDAP } });
    const update = await raw(sim(), "PUT", "/access/domains/l3", { auth, form: { domain: "example.com" } });
    expect(update.reason).toBe("update auth server failed: unexpected property 'domain'");
    const check = await raw(sim(), "PUT", "/access/domains/pve", { auth, form: { "check-connection": 1 } });
    expect(check.reason).toBe("update auth server failed: 'check-connection' parameter can only be set for realms of type 'ldap' or 'ad'");
  });

  it("needs something to update, and keeps one default realm", async () => {
    await raw(sim(), "POST", "/access/domains", { auth, form: { realm: "d1", ...LDAP, default: 1 } });
    expect((await raw(sim(), "PUT", "/access/domains/d1", { auth, form: { "check-connection": 0 } })).reason).toBe(
      "update auth server failed: no options specified",
    );
    await raw(sim(), "POST", "/access/domains", { auth, form: { realm: "d2", ...LDAP, default: 1 } });
    const defaults = ((await raw(sim(), "GET", "/access/domains")).json?.data as Record<string, unknown>[]).filter((r) => r["default"]).map((r) => r["realm"]);
    expect(defaults).toEqual(["d2"]);
  });

  it("lists the realm's TFA type, not its property string, and `default` only when set", async () => {
    await raw(sim(), "POST", "/access/domains", { auth, form: { realm: "otp", ...LDAP, tfa: "type=oath,digits=8", default: 0 } });
    const list = (await raw(sim(), "GET", "/access/domains")).json?.data as Record<string, unknown>[];
    expect(list.find((r) => r["realm"] === "otp")).toEqual({ realm: "otp", type: "ldap", tfa: "oath" });
    expect((await raw(sim(), "GET", "/access/domains/otp", { auth })).json?.data).toMatchObject({ tfa: "type=oath,digits=8", default: 0 });
  });

  it("keeps a bind password only for LDAP and AD, and drops it with delete", async () => {
    await raw(sim(), "POST", "/access/domains", {
      auth,
      form: { realm: "oid", type: "openid", "issuer-url": "https://id.example", "client-id": "pve", password: "ignored-pw" },
    });
    const oid = await raw(sim(), "GET", "/access/domains/oid", { auth });
    expect(oid.json?.data).not.toHaveProperty("password");
    await raw(sim(), "POST", "/access/domains", { auth, form: { realm: "bind", ...LDAP, bind_dn: "cn=pve", password: "bind-secret" } });
    expect((await raw(sim(), "PUT", "/access/domains/bind", { auth, form: { delete: "password" } })).status).toBe(200);
    expect((await raw(sim(), "GET", "/access/domains/bind", { auth })).text).not.toContain("bind-secret");
  });

  it("writes sync defaults with the deprecated full/purge mapped to remove-vanished, keys sorted", async () => {
    await raw(sim(), "POST", "/access/domains", { auth, form: { realm: "legacy", ...LDAP, "sync-defaults-options": "scope=users,full=1,purge=1" } });
    const cfg = (await raw(sim(), "GET", "/access/domains/legacy", { auth })).json?.data as Record<string, unknown>;
    expect(cfg["sync-defaults-options"]).toBe("remove-vanished=entry;properties;acl,scope=users");
  });
});

describe("built-in realms", () => {
  it("reads pam with its plugin, and brings back the default comment when it is removed", async () => {
    expect((await raw(sim(), "GET", "/access/domains/pam", { auth })).json?.data).toMatchObject({
      type: "pam",
      plugin: "PVE::Auth::PAM",
      comment: "Linux PAM standard authentication",
    });
    await raw(sim(), "PUT", "/access/domains/pve", { auth, form: { comment: "Local accounts", tfa: "type=oath" } });
    expect((await raw(sim(), "GET", "/access/domains/pve", { auth })).json?.data).toMatchObject({ comment: "Local accounts", tfa: "type=oath" });
    await raw(sim(), "PUT", "/access/domains/pve", { auth, form: { delete: "comment" } });
    expect((await raw(sim(), "GET", "/access/domains/pve", { auth })).json?.data).toMatchObject({ comment: "Proxmox VE authentication server" });
  });

  it("resets a built-in realm on delete instead of removing it", async () => {
    expect((await raw(sim(), "DELETE", "/access/domains/pve", { auth })).status).toBe(200);
    const pve = (await raw(sim(), "GET", "/access/domains/pve", { auth })).json?.data as Record<string, unknown>;
    expect(pve).toMatchObject({ type: "pve", comment: "Proxmox VE authentication server" });
    expect(pve).not.toHaveProperty("tfa");
  });
});

describe("realm sync", () => {
  it("syncs only existing LDAP and AD realms", async () => {
    const missing = await raw(sim(), "POST", "/access/domains/ghost/sync", { auth, form: { scope: "users" } });
    expect([missing.status, missing.json?.errors]).toEqual([400, { realm: "Realm does not exist." }]);
    const pve = await raw(sim(), "POST", "/access/domains/pve/sync", { auth, form: { scope: "users" } });
    expect([pve.status, pve.reason]).toEqual([500, "Cannot sync realm type 'pve'! Only LDAP/AD realms can be synced."]);
  });

  it("needs a scope, from the call or the realm's sync defaults", async () => {
    await raw(sim(), "POST", "/access/domains", { auth, form: { realm: "nos", ...LDAP } });
    const r = await raw(sim(), "POST", "/access/domains/nos/sync", { auth });
    expect([r.status, r.json?.errors]).toEqual([400, { scope: "Not passed as parameter and not defined in realm default sync options." }]);
    await raw(sim(), "PUT", "/access/domains/nos", { auth, form: { "sync-defaults-options": "scope=groups" } });
    const ok = await raw(sim(), "POST", "/access/domains/nos/sync", { auth, form: { "dry-run": 1 } });
    expect(ok.status, ok.reason).toBe(200);
    expect(await taskLog(ok.json?.data as string)).toEqual([
      "(dry test run) starting sync for realm nos",
      "got data from server, updating groups",
      "syncing groups (remove-vanished opts: none)",
      "",
      "NOTE: Dry test run, changes were NOT written to the configuration.",
      "TASK OK",
    ]);
  });

  it("removes what vanished from the (empty) directory as remove-vanished says", async () => {
    await raw(sim(), "POST", "/access/domains", { auth, form: { realm: "corp", ...LDAP } });
    await raw(sim(), "POST", "/access/groups", { auth, form: { groupid: "staff" } });
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "ann@corp", groups: "staff" } });
    await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/vms", users: "ann@corp", roles: "PVEAuditor" } });
    const upid = (await raw(sim(), "POST", "/access/domains/corp/sync", { auth, form: { scope: "users", "remove-vanished": "acl;entry" } })).json
      ?.data as string;
    expect(await taskLog(upid)).toEqual([
      "starting sync for realm corp",
      "got data from server, updating users",
      "syncing users (remove-vanished opts: acl;entry)",
      "deleting outdated existing users first",
      "remove user 'ann@corp'",
      "purge users 'ann@corp' ACL entries",
      "successfully updated users configuration",
      "TASK OK",
    ]);
    expect((await raw(sim(), "GET", "/access/users/ann@corp", { auth })).reason).toBe("no such user ('ann@corp')");
    // user.cfg's group line still names the removed user.
    expect((await raw(sim(), "GET", "/access/groups/staff", { auth })).json?.data).toEqual({ members: ["ann@corp"] });
    const acl = (await raw(sim(), "GET", "/access/acl", { auth })).json?.data as Record<string, unknown>[];
    expect(acl.filter((e) => e["ugid"] === "ann@corp")).toEqual([]);
  });
});
