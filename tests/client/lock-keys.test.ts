import { describe, expect, test } from "vitest";
import { lockKeyFor, nodeOf, runsInDaemon } from "../../provider/client";

describe("nodeOf", () => {
  test.each([
    ["/nodes/pve1/qemu/100/config", "pve1"],
    ["/nodes/pve2/tasks/UPID:pve2:x/status", "pve2"],
    ["/cluster/resources", "cluster"],
    ["/access/users", "cluster"],
    ["/nodes", "cluster"],
  ])("%s → %s", (path, node) => expect(nodeOf(path)).toBe(node));
});

describe("lockKeyFor", () => {
  test.each<[string, string, string | null]>([
    ["PUT", "/nodes/pve1/qemu/100/config", "guest:100"],
    ["POST", "/nodes/pve2/lxc/100/status/start", "guest:100"], // same VMID on another node: same guest
    ["POST", "/nodes/pve1/qemu/101/firewall/rules", "guest:101"],
    ["POST", "/access/users", "file:user.cfg"],
    ["PUT", "/access/acl", "file:user.cfg"],
    ["POST", "/pools", "file:user.cfg"],
    ["PUT", "/access/domains/ldap1", "file:domains.cfg"],
    ["POST", "/access/ticket", null],
    ["POST", "/storage", "file:storage.cfg"],
    ["DELETE", "/storage/local-zfs", "file:storage.cfg"],
    ["POST", "/cluster/sdn/vnets", "sdn"],
    ["PUT", "/cluster/sdn", "sdn"],
    ["POST", "/cluster/firewall/groups", "firewall:cluster"],
    ["POST", "/nodes/pve1/firewall/rules", "firewall:node:pve1"],
    ["PUT", "/cluster/options", "file:datacenter.cfg"],
    ["POST", "/cluster/backup", "file:jobs.cfg"],
    ["POST", "/cluster/replication", "file:replication.cfg"],
    ["POST", "/cluster/ha/resources", "ha"],
    ["POST", "/nodes/pve1/network", "network:pve1"],
    ["PUT", "/nodes/pve1/network", "network:pve1"],
    ["POST", "/nodes/pve1/apt/update", null],
    ["POST", "/cluster/sdnfoo", null], // prefix match is per segment
  ])("%s %s → %s", (method, path, key) => {
    expect(lockKeyFor(method as "GET", path)).toBe(key);
  });

  test("GETs never lock", () => {
    expect(lockKeyFor("GET", "/nodes/pve1/qemu/100/config")).toBeNull();
    expect(lockKeyFor("GET", "/access/users")).toBeNull();
  });

  test("a create takes the lock of the guest named by its vmid parameter", () => {
    expect(lockKeyFor("POST", "/nodes/pve1/qemu", { vmid: 105, name: "web" })).toBe("guest:105");
    expect(lockKeyFor("POST", "/nodes/pve1/lxc", { vmid: "106" })).toBe("guest:106");
  });
});

describe("runsInDaemon", () => {
  test.each<[string, string, boolean]>([
    ["GET", "/nodes/pve2/tasks/UPID:pve2:0001:0002:66F1A2B3:qmstart:100:root@pam:/status", true],
    ["GET", "/nodes/pve2/tasks/UPID:pve2:0001:0002:66F1A2B3:qmstart:100:root@pam:/log", true],
    ["GET", "/nodes/pve1/qemu/100/status/current", true],
    ["GET", "/access/users", true],
    ["GET", "/nodes/pve1/hosts", true],
    ["GET", "/nodes/pve1/qemu/100/config", false],
    ["GET", "/access/users/root@pam", false],
    ["GET", "/version", false],
    ["GET", "/nodes/pve1/tasks", false],
    ["POST", "/access/users", true],
    ["DELETE", "/pools/dev", true],
  ])("%s %s → %s", (method, path, daemon) => expect(runsInDaemon(method as "GET", path)).toBe(daemon));
});
