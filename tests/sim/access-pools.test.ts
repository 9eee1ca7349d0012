/** Pools (user.cfg): nesting, members, allow-move, non-empty delete. */
import { describe, expect, it } from "vitest";
import { raw, TEST_TOKEN } from "./testkit/raw";
import { useSimulator } from "./testkit/sim";

const sim = useSimulator();
const auth = { token: TEST_TOKEN };

describe("pools", () => {
  it("creates nested pools only under an existing parent", async () => {
    expect((await raw(sim(), "POST", "/pools", { auth, form: { poolid: "a/b" } })).reason).toBe("create pool failed: parent 'a' does not exist");
    expect((await raw(sim(), "POST", "/pools", { auth, form: { poolid: "a", comment: "top" } })).status).toBe(200);
    expect((await raw(sim(), "POST", "/pools", { auth, form: { poolid: "a/b" } })).status).toBe(200);
    expect((await raw(sim(), "POST", "/pools", { auth, form: { poolid: "a" } })).reason).toBe("create pool failed: pool 'a' already exists");
    const list = await raw(sim(), "GET", "/pools", { auth });
    expect(list.json?.data).toEqual([{ poolid: "a", comment: "top" }, { poolid: "a/b" }]);
  });

  it("adds and removes members, moving VMs only with allow-move", async () => {
    await raw(sim(), "POST", "/pools", { auth, form: { poolid: "p1" } });
    await raw(sim(), "POST", "/pools", { auth, form: { poolid: "p2" } });
    expect((await raw(sim(), "PUT", "/pools", { auth, form: { poolid: "p1", vms: "100,101", storage: "local" } })).status).toBe(200);
    const got = await raw(sim(), "GET", "/pools/p1", { auth });
    expect(got.json?.data).toEqual({
      members: [
        { id: "qemu/100", vmid: 100, type: "qemu", node: "pve1" },
        { id: "qemu/101", vmid: 101, type: "qemu", node: "pve1" },
        { id: "storage/pve1/local", storage: "local", type: "storage", node: "pve1" },
      ],
    });
    expect((await raw(sim(), "PUT", "/pools", { auth, form: { poolid: "p2", vms: "100" } })).reason).toBe("update pools failed: VM 100 belongs already to pool 'p1' and 'allow-move' is not set");
    expect((await raw(sim(), "PUT", "/pools", { auth, form: { poolid: "p2", vms: "100", "allow-move": 1 } })).status).toBe(200);
    expect((await raw(sim(), "PUT", "/pools", { auth, form: { poolid: "p1", vms: "100", delete: 1 } })).reason).toBe("update pools failed: VM 100 is not a pool member");
  });

  it("refuses to delete a non-empty pool", async () => {
    await raw(sim(), "POST", "/pools", { auth, form: { poolid: "full" } });
    await raw(sim(), "PUT", "/pools/full", { auth, form: { vms: "300" } });
    expect((await raw(sim(), "DELETE", "/pools", { auth, query: { poolid: "full" } })).reason).toBe("delete pool failed: pool 'full' is not empty (contains VM 300)");
    await raw(sim(), "PUT", "/pools/full", { auth, form: { vms: "300", delete: 1 } });
    expect((await raw(sim(), "DELETE", "/pools/full", { auth })).status).toBe(200);
    expect((await raw(sim(), "GET", "/pools/full", { auth })).reason).toBe("pool 'full' does not exist");
  });
});
