import { describe, expect, it } from "vitest";
import { defineKind } from "../../schema/define";
import { definitionOf } from "../../schema/definitions";
import { UNKNOWN, check, diff } from "../../provider/engine";

const user = definitionOf("access:User");
const acl = definitionOf("access:Acl");
const options = definitionOf("cluster:Options");

describe("check", () => {
  it("names the field and the reason for each failure", () => {
    const result = check(user, { userId: "alice@pve", enable: "yes", expire: -1, colour: "blue" });
    const byProperty = Object.fromEntries(result.failures.map((f) => [f.property, f.reason]));
    expect(Object.keys(byProperty).sort()).toEqual(["colour", "enable", "expire"]);
    expect(byProperty["colour"]).toBe("access.User has no input 'colour'");
    expect(byProperty["enable"]).toMatch(/boolean/i);
    expect(byProperty["expire"]).toMatch(/>=\s*0|too small/i);
  });

  it("names the input a misspelled key was probably meant to be", () => {
    expect(check(user, { userId: "alice@pve", emial: "a@example.com" }).failures).toEqual([
      { property: "emial", reason: "access.User has no input 'emial' (did you mean 'email'?)" },
    ]);
  });

  it("reports a missing required input", () => {
    expect(check(user, {}).failures).toEqual([{ property: "userId", reason: "is required" }]);
  });

  it("lets preview-time unknowns through", () => {
    expect(check(user, { userId: UNKNOWN, email: UNKNOWN }).failures).toEqual([]);
  });

  it("validates property-string sub-keys by their path", () => {
    const result = check(options, { nextId: { lower: "a lot" }, tagStyle: { shape: "hexagon" } });
    expect(result.failures.map((f) => f.property).sort()).toEqual(["nextId.lower", "tagStyle.shape"]);
  });

  it("refuses in preview to stop a service PVE will not stop (its essential services)", () => {
    const serviceAction = definitionOf("node:ServiceAction");
    expect(check(serviceAction, { node: "pve1", service: "pveproxy", action: "stop" }).failures).toEqual([
      { property: "action", reason: "PVE refuses to stop its essential service 'pveproxy' (pveproxy, pvedaemon, pve-cluster); restart or reload it instead" },
    ]);
    expect(check(serviceAction, { node: "pve1", service: "pveproxy", action: "restart" }).failures).toEqual([]);
    expect(check(serviceAction, { node: "pve1", service: "postfix", action: "stop" }).failures).toEqual([]);
  });

  it("runs the kind's cross-field rule: an ACL grants to exactly one subject", () => {
    expect(check(acl, { path: "/", roleId: "PVEAuditor" }).failures[0]?.reason).toMatch(/exactly one of userId, groupId or tokenId/);
    expect(check(acl, { path: "/", roleId: "PVEAuditor", userId: "a@pve", groupId: "g" }).failures).toHaveLength(1);
    expect(check(acl, { path: "/", roleId: "PVEAuditor", groupId: "g" }).failures).toEqual([]);
  });
});

describe("access checks that PVE's own rules need", () => {
  const tfa = definitionOf("access:Tfa");

  it("refuses ACL entries PVE would store differently or not at all", () => {
    const failures = (args: Record<string, unknown>): string[] =>
      check(acl, { roleId: "PVEAuditor", groupId: "g", ...args }).failures.map((f) => `${f.property}: ${f.reason}`);
    expect(failures({ path: "/storage/local/" })).toEqual(["path: must be written as PVE stores it: '/storage/local'"]);
    expect(failures({ path: "/vms/100:0" })[0]).toMatch(/^path: is not an ACL path/);
    expect(failures({ path: "/datacenter" })[0]).toMatch(/^path: is not an object PVE puts ACLs on/);
    expect(failures({ path: "/sdn/zones/z1/vnet1/100" })).toEqual([]);
    expect(check(acl, { path: "/", roleId: "PVEAuditor", userId: "root@pam" }).failures.map((f) => f.property)).toEqual(["userId"]);
  });

  it("reads a TOTP URI as PVE does, and asks for what PVE requires of each TFA type", () => {
    const reasons = (args: Record<string, unknown>): string[] => check(tfa, { userId: "a@pve", ...args }).failures.map((f) => `${f.property}: ${f.reason}`);
    expect(reasons({ type: "totp", description: "d", totp: "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&step=30" })).toEqual([
      "totp: must be an otpauth://totp/<label>?secret=<BASE32> URI as PVE reads it: unrecognized otpauth uri parameter: step",
    ]);
    expect(reasons({ type: "totp", description: "d", totp: "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=60&digits=8&algorithm=SHA256&issuer=me" })).toEqual(
      [],
    );
    expect(reasons({ type: "totp", totp: "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP" })).toEqual(["description: is required for type 'totp'"]);
    expect(reasons({ type: "recovery", description: "paper" })[0]).toMatch(/^description: is not an option of type 'recovery'/);
    expect(reasons({ type: "recovery", enable: false })[0]).toMatch(/^enable: is not an option of type 'recovery'/);
  });
});

describe("diff", () => {
  it("sees no change where PVE only normalized the value", () => {
    const olds = { userId: "a@pve", enable: true, expire: 0, groups: ["b", "a"], __provider: "old shim" };
    const news = { userId: "a@pve", enable: true, expire: 0, groups: ["a", "b"], __provider: "new shim" };
    expect(diff(user, olds, news)).toMatchObject({ changes: false, replaces: [] });
  });

  it("updates in place what PVE can change, and reports what changed", () => {
    const result = diff(user, { userId: "a@pve", comment: "x" }, { userId: "a@pve", comment: "y" });
    expect(result).toMatchObject({ changes: true, replaces: [], changed: ["comment"] });
  });

  it("treats a removed input as a change", () => {
    expect(diff(user, { userId: "a@pve", comment: "x" }, { userId: "a@pve" }).changed).toEqual(["comment"]);
  });

  it("replaces when the identity changes, creating the new one first", () => {
    expect(diff(user, { userId: "a@pve" }, { userId: "b@pve" })).toMatchObject({
      changes: true,
      replaces: ["userId"],
      deleteBeforeReplace: false,
    });
  });

  it("updates an ACL's propagate flag in place", () => {
    const olds = { path: "/", roleId: "PVEAuditor", userId: "a@pve", propagate: true };
    const news = { path: "/", roleId: "PVEAuditor", userId: "a@pve", propagate: false };
    expect(diff(acl, olds, news)).toMatchObject({ changes: true, replaces: [], changed: ["propagate"] });
  });

  it("deletes before replacing when a create-only field changes under the same identity", () => {
    // Storage's `type` is in POST /storage but not in PUT /storage/{storage}: PVE cannot change it.
    const storage = defineKind({
      namespace: "test",
      name: "Storage",
      description: "test kind",
      lifecycle: "collection",
      identity: ["storage"],
      create: { method: "POST", path: "/storage" },
      read: { path: "/storage/{storage}" },
      update: { method: "PUT", path: "/storage/{storage}" },
    });
    expect(storage.fieldsBySdkName.get("type")?.replaceOnChange).toBe(true);
    expect(diff(storage, { storage: "s1", type: "dir" }, { storage: "s1", type: "nfs" })).toMatchObject({
      changes: true,
      replaces: ["type"],
      deleteBeforeReplace: true,
    });
  });

  it("counts unknowns as changes", () => {
    expect(diff(user, { userId: "a@pve", comment: "x" }, { userId: "a@pve", comment: UNKNOWN }).changes).toBe(true);
  });

  it("compares only the property-string sub-keys the user wrote", () => {
    const olds = { nextId: { lower: 100, upper: 1000000 } };
    expect(diff(options, olds, { nextId: { lower: 100 } }).changes).toBe(false);
    expect(diff(options, olds, { nextId: { lower: 200 } }).changed).toEqual(["nextId"]);
  });
});

describe("type variants", () => {
  const zone = definitionOf("sdn:Zone");
  it("require one of alternative options, and refuse options of other types", () => {
    expect(check(zone, { zone: "vx1", type: "vxlan" }).failures).toEqual([{ property: "peers", reason: "(or fabric) is required for type 'vxlan'" }]);
    expect(check(zone, { zone: "vx1", type: "vxlan", fabric: "f1" }).failures).toEqual([]);
    expect(check(zone, { zone: "vx1", type: "vxlan", peers: ["10.0.0.1"], bridge: "vmbr0" }).failures.map((f) => f.property)).toEqual(["bridge"]);
  });
});
