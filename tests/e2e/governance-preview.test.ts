/**
 * What preview must catch before anything is written, through the local engine and the real
 * dynamic-provider host; plus the realm sync action and adopting a built-in realm.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newStack, stepsOf, type Declared, type Stack } from "./harness";

let stack: Stack;
beforeAll(async () => {
  stack = await newStack("governance-preview");
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

const res = (namespace: string, kind: string, name: string, args: Record<string, unknown>): Declared => ({ namespace, kind, name, args });

describe("preview rejects invalid inputs, naming the field", () => {
  it.each([
    [
      "a privilege PVE 9 dropped",
      res("access", "Role", "r", { roleId: "Legacy", privileges: ["VM.Audit", "VM.Monitor"] }),
      "privileges",
      /'VM.Monitor' was removed in PVE 9/,
    ],
    [
      "an option of another storage type",
      res("storage", "Storage", "s", { storageId: "d", type: "dir", path: "/x", server: "nfs.example" }),
      "server",
      /not an option of type 'dir'/,
    ],
    [
      "a missing option the storage type requires",
      res("storage", "Storage", "s", { storageId: "n", type: "nfs", server: "nfs.example" }),
      "export",
      /required for type 'nfs'/,
    ],
    [
      "a schedule that is no calendar event",
      res("cluster", "BackupJob", "b", { jobId: "j", schedule: "every night", all: true }),
      "schedule",
      /calendar event/,
    ],
    [
      "two guest selections",
      res("cluster", "BackupJob", "b", { jobId: "j", schedule: "daily", all: true, pool: "team" }),
      "all",
      /exactly one of vmIds, pool or all is allowed, got pool and all/,
    ],
    [
      "a retention below PVE's minimum",
      res("cluster", "BackupJob", "b", { jobId: "j", schedule: "daily", all: true, retention: { keepLast: 0 } }),
      "retention.keepLast",
      /too small|>=/,
    ],
    [
      "an LDAP option on an OpenID realm",
      res("access", "Realm", "rl", { realm: "o", type: "openid", issuerUrl: "https://id", clientId: "c", bindDn: "cn=x" }),
      "bindDn",
      /not an option of type 'openid'/,
    ],
    ["a WebAuthn entry", res("access", "Tfa", "t", { userId: "root@pam", type: "webauthn" }), "type", /needs a browser/],
    [
      "a TOTP URI PVE cannot read",
      res("access", "Tfa", "t", { userId: "root@pam", type: "totp", description: "d", totp: "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&step=30" }),
      "totp",
      /unrecognized otpauth uri parameter: step/,
    ],
    [
      "an ACL entry for root@pam",
      res("access", "Acl", "a", { path: "/vms", roleId: "PVEAuditor", userId: "root@pam" }),
      "userId",
      /stores no ACL entries for root@pam/,
    ],
    [
      "a replication job id that is not <vmid>-<n>",
      res("cluster", "ReplicationJob", "rj", { jobId: "web", type: "local", target: "pve2" }),
      "jobId",
      /pattern/,
    ],
  ])("%s", async (_what, declared, property, reason) => {
    const result = await stack.preview([declared]);
    expect(result.ok).toBe(false);
    const failures = result.steps.find((s) => s.name === declared.name)?.failures ?? [];
    expect(failures.map((f) => f.property)).toContain(property);
    expect(failures.find((f) => f.property === property)?.reason).toMatch(reason);
  });

  it("nothing was written by the failed previews", async () => {
    const roles = await stack.admin.get<Array<{ roleid: string }>>("/access/roles");
    expect(roles.map((r) => r.roleid)).not.toContain("Legacy");
  });
});

describe("built-in realms and realm sync", () => {
  it("adopts the built-in pve realm, and destroying resets only what it managed", async () => {
    const realm = [res("access", "Realm", "pve-realm", { realm: "pve", type: "pve", comment: "Local accounts", default: true })];
    expect(stepsOf(await stack.up(realm))).toEqual(["create pve-realm"]);
    expect(await stack.admin.get("/access/domains/pve")).toMatchObject({ comment: "Local accounts", default: 1 });
    expect(stepsOf(await stack.preview(realm))).toEqual(["same pve-realm"]);
    const destroyed = await stack.destroy(realm);
    expect(destroyed.ok).toBe(true);
    const after = await stack.admin.get<Record<string, unknown>>("/access/domains/pve");
    expect(after["type"]).toBe("pve");
    // The managed comment is gone: PVE shows its built-in one again.
    expect(after["comment"]).toBe("Proxmox VE authentication server");
    expect(after["default"]).toBeUndefined();
  });

  it("asks in preview for a sync scope the realm does not default", async () => {
    await stack.admin.post("/access/domains", { realm: "noscope", type: "ldap", server1: "ldap.example.com", base_dn: "dc=example", user_attr: "uid" });
    const result = await stack.preview([res("access", "RealmSync", "s", { realm: "noscope" })]);
    expect(result.ok).toBe(false);
    const failures = result.steps.find((s) => s.name === "s")?.failures ?? [];
    expect(failures.find((f) => f.property === "scope")?.reason).toMatch(/realm 'noscope' has no default scope/);
  });

  it("runs a realm sync as an awaited task, reruns it on a trigger change, and forgets it on destroy", async () => {
    await stack.admin.post("/access/domains", { realm: "corp", type: "ldap", server1: "ldap.example.com", base_dn: "dc=example", user_attr: "uid" });
    const sync = (trigger: string) => [
      res("access", "RealmSync", "sync", { realm: "corp", scope: "both", removeVanished: "acl;entry", triggers: { run: trigger } }),
    ];
    const first = await stack.up(sync("1"));
    expect(first.ok, first.steps.map((s) => s.error ?? "").join("\n")).toBe(true);
    expect(stepsOf(await stack.preview(sync("1")))).toEqual(["same sync"]);
    expect(stepsOf(await stack.up(sync("2")))).toEqual(["replace sync"]);
    const tasks = await stack.admin.get<Array<{ type: string; status?: string }>>("/nodes/pve1/tasks", { typefilter: "auth-realm-sync" });
    expect(tasks.filter((t) => t.type === "auth-realm-sync")).toHaveLength(2);
    expect((await stack.destroy(sync("2"))).ok).toBe(true);
  });
});
