/** Pools (user.cfg, pve-manager's API2/Pool.pm): nesting, members, allow-move, non-empty delete. */
import { describe, expect, it } from "vitest";
import { login, raw, TEST_TOKEN } from "../../testkit/raw";
import { useSimulator } from "../../testkit/sim";

const sim = useSimulator();
const auth = { token: TEST_TOKEN };

describe("pools", () => {
  it("creates nested pools only under an existing parent, and names starting with a letter", async () => {
    expect((await raw(sim(), "POST", "/pools", { auth, form: { poolid: "a/b" } })).reason).toBe("create pool failed: parent 'a' of pool 'a/b' does not exist");
    expect((await raw(sim(), "POST", "/pools", { auth, form: { poolid: "a", comment: "top" } })).status).toBe(200);
    expect((await raw(sim(), "POST", "/pools", { auth, form: { poolid: "a/b" } })).status).toBe(200);
    expect((await raw(sim(), "POST", "/pools", { auth, form: { poolid: "a" } })).reason).toBe("create pool failed: pool 'a' already exists");
    expect((await raw(sim(), "POST", "/pools", { auth, form: { poolid: "9lives" } })).reason).toBe("create pool failed: pool name must start with a letter");
    expect((await raw(sim(), "POST", "/pools", { auth, form: { poolid: "a/2nd" } })).reason).toBe("create pool failed: pool name must start with a letter");
    const list = await raw(sim(), "GET", "/pools", { auth });
    expect(list.json?.data).toEqual([{ poolid: "a", comment: "top" }, { poolid: "a/b" }]);
  });

  it("lists pools sorted by id, and keeps a comment only when it is true", async () => {
    await raw(sim(), "POST", "/pools", { auth, form: { poolid: "zz" } });
    await raw(sim(), "POST", "/pools", { auth, form: { poolid: "mm", comment: "0" } });
    const ids = ((await raw(sim(), "GET", "/pools", { auth })).json?.data as { poolid: string }[]).map((p) => p.poolid);
    expect(ids).toEqual([...ids].sort());
    await raw(sim(), "PUT", "/pools", { auth, form: { poolid: "zz", comment: "set" } });
    // A form cannot carry an empty value to PVE (it drops `k=`): clearing goes as JSON.
    await raw(sim(), "PUT", "/pools", { auth, json: { poolid: "zz", comment: "" } });
    const pools = (await raw(sim(), "GET", "/pools", { auth })).json?.data as Record<string, unknown>[];
    expect(pools.filter((p) => p["poolid"] === "zz" || p["poolid"] === "mm")).toEqual([{ poolid: "mm" }, { poolid: "zz" }]);
  });

  it("adds and removes members, moving VMs only with allow-move", async () => {
    await raw(sim(), "POST", "/pools", { auth, form: { poolid: "p1" } });
    await raw(sim(), "POST", "/pools", { auth, form: { poolid: "p2" } });
    expect((await raw(sim(), "PUT", "/pools", { auth, form: { poolid: "p1", vms: "200,1000", storage: "local" } })).status).toBe(200);
    const got = await raw(sim(), "GET", "/pools/p1", { auth });
    // `read_pool` is `index`'s first item (with the poolid); VM ids sort as strings.
    expect(got.json?.data).toEqual({
      poolid: "p1",
      members: [
        { id: "qemu/1000", vmid: 1000, type: "qemu", node: "pve1", status: "unknown" },
        { id: "qemu/200", vmid: 200, type: "qemu", node: "pve1", status: "unknown" },
        { id: "storage/pve1/local", storage: "local", type: "storage", node: "pve1", status: "unknown" },
      ],
    });
    expect((await raw(sim(), "PUT", "/pools", { auth, form: { poolid: "p2", vms: "200" } })).reason).toBe(
      "update pools failed: VM 200 belongs already to pool 'p1' and 'allow-move' is not set",
    );
    expect((await raw(sim(), "PUT", "/pools", { auth, form: { poolid: "p2", vms: "200", "allow-move": 1 } })).status).toBe(200);
    expect((await raw(sim(), "PUT", "/pools", { auth, form: { poolid: "p1", vms: "200", delete: 1 } })).reason).toBe(
      "update pools failed: VM 200 is not a pool member",
    );
  });

  it("reads one pool by parameter for anyone, and says when it does not exist", async () => {
    await raw(sim(), "POST", "/pools", { auth, form: { poolid: "open", comment: "c" } });
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "nobody@pve", password: "nobody-pw" } });
    const t = await login(sim(), "nobody@pve", "nobody-pw");
    expect((await raw(sim(), "GET", "/pools", { auth: t })).json?.data).toEqual([]);
    // `index` checks Pool.Audit with noerr and ignores the answer.
    expect((await raw(sim(), "GET", "/pools", { auth: t, query: { poolid: "open" } })).json?.data).toEqual([{ members: [], comment: "c", poolid: "open" }]);
    const missing = await raw(sim(), "GET", "/pools", { auth, query: { poolid: "nope" } });
    expect([missing.status, missing.reason]).toEqual([500, "pool 'nope' does not exist"]);
  });

  it("moves a VM only with Pool.Allocate on the pool it leaves", async () => {
    await raw(sim(), "POST", "/pools", { auth, form: { poolid: "src" } });
    await raw(sim(), "POST", "/pools", { auth, form: { poolid: "dst" } });
    await raw(sim(), "PUT", "/pools", { auth, form: { poolid: "src", vms: "300" } });
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "mover@pve", password: "mover-pw" } });
    await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/pool/dst", users: "mover@pve", roles: "PVEPoolAdmin" } });
    await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/vms/300", users: "mover@pve", roles: "PVEVMAdmin" } });
    const t = await login(sim(), "mover@pve", "mover-pw");
    const r = await raw(sim(), "PUT", "/pools", { auth: t, form: { poolid: "dst", vms: "300", "allow-move": 1 } });
    expect([r.status, r.reason]).toEqual([500, "update pools failed: 403 Permission check failed (/pool/src, Pool.Allocate)"]);
    expect(((await raw(sim(), "GET", "/pools", { auth, query: { poolid: "src" } })).json?.data as { members: unknown[] }[])[0]?.members).toHaveLength(1);
  });

  it("refuses to delete a non-empty pool, sub-pools first", async () => {
    await raw(sim(), "POST", "/pools", { auth, form: { poolid: "full" } });
    await raw(sim(), "PUT", "/pools/full", { auth, form: { vms: "301" } });
    await raw(sim(), "POST", "/pools", { auth, form: { poolid: "full/kid" } });
    expect((await raw(sim(), "DELETE", "/pools", { auth, query: { poolid: "full" } })).reason).toBe(
      "delete pool failed: pool 'full' is not empty (contains pool 'full/kid')",
    );
    await raw(sim(), "DELETE", "/pools", { auth, query: { poolid: "full/kid" } });
    expect((await raw(sim(), "DELETE", "/pools", { auth, query: { poolid: "full" } })).reason).toBe(
      "delete pool failed: pool 'full' is not empty (contains VM 301)",
    );
    await raw(sim(), "PUT", "/pools/full", { auth, form: { vms: "301", delete: 1 } });
    expect((await raw(sim(), "DELETE", "/pools/full", { auth })).status).toBe(200);
    expect((await raw(sim(), "GET", "/pools/full", { auth })).reason).toBe("pool 'full' does not exist");
  });

  it("removes a top-level pool's ACL subtree on delete, but leaves a nested pool's ACLs", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "aclp@pve" } });
    await raw(sim(), "POST", "/pools", { auth, form: { poolid: "top" } });
    await raw(sim(), "POST", "/pools", { auth, form: { poolid: "top/sub" } });
    await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/pool/top", users: "aclp@pve", roles: "PVEAuditor" } });
    await raw(sim(), "PUT", "/access/acl", { auth, form: { path: "/pool/top/sub", users: "aclp@pve", roles: "PVEAuditor" } });
    const paths = async (): Promise<unknown[]> =>
      ((await raw(sim(), "GET", "/access/acl", { auth })).json?.data as Record<string, unknown>[])
        .filter((e) => e["ugid"] === "aclp@pve")
        .map((e) => e["path"]);
    await raw(sim(), "DELETE", "/pools", { auth, query: { poolid: "top/sub" } });
    expect(await paths()).toEqual(["/pool/top", "/pool/top/sub"]);
    await raw(sim(), "DELETE", "/pools", { auth, query: { poolid: "top" } });
    expect(await paths()).toEqual([]);
  });
});
