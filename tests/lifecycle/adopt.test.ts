/**
 * `adopt: true`: a create that finds its object on PVE takes it over and converges it, instead of
 * failing; without the object it creates; a create-only difference is refused with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProxmoxClient } from "../../provider/client";
import { check, create, diff } from "../../provider/engine";
import { definitionOf } from "../../schema/definitions";
import { startSimulator, type Simulator } from "../sim";

let sim: Simulator;
let client: ProxmoxClient;

beforeAll(async () => {
  sim = await startSimulator({ nodes: 1, apiToken: "root@pam!t=33333333-4444-5555-6666-777777777777", authFailureDelayMs: 0, taskDurationMs: 10 });
  client = new ProxmoxClient({ endpoint: sim.endpoint, apiToken: sim.apiToken, fingerprint: sim.fingerprint });
});
afterAll(async () => {
  client?.close();
  await sim?.close();
});

const user = definitionOf("access:User");
const pool = definitionOf("cluster:Pool");

describe("adopt", () => {
  it("takes over an existing object and writes only the settings that differ", async () => {
    await client.post("/access/users", { userid: "legacy@pve", comment: "by hand", email: "old@example.com", firstname: "Lee" });
    const lines: string[] = [];
    const { id, outs } = await create(
      user,
      client,
      { userId: "legacy@pve", comment: "managed", email: "old@example.com", adopt: true },
      { onLog: (l) => lines.push(l) },
    );
    expect(id).toBe("legacy@pve");
    expect(outs).toMatchObject({ userId: "legacy@pve", comment: "managed", email: "old@example.com" });
    const after = await client.get<Record<string, unknown>>("/access/users/legacy@pve");
    expect(after).toMatchObject({ comment: "managed", email: "old@example.com", firstname: "Lee" });
    expect(lines.join("\n")).toMatch(/adopting the existing access\.User 'legacy@pve'; converging comment/);
  });

  it("creates the object when there is none to adopt", async () => {
    const { id } = await create(pool, client, { poolId: "fresh", comment: "new", adopt: true });
    expect(id).toBe("fresh");
    expect(await client.get<unknown[]>("/pools", { poolid: "fresh" })).toHaveLength(1);
  });

  it("without adopt, an existing object is still an error that says how to adopt it", async () => {
    await client.post("/pools", { poolid: "taken" });
    await expect(create(pool, client, { poolId: "taken" })).rejects.toThrow(/already exists/);
  });

  it("refuses a create-only difference, naming the field, and writes nothing", async () => {
    await client.post("/access/groups", { groupid: "ops", comment: "by hand" });
    const group = definitionOf("access:Group");
    // A group's id is its only create-only field; a realm type is create-only for realms.
    const realm = definitionOf("access:Realm");
    await client.post("/access/domains", { realm: "corp", type: "ldap", server1: "ldap.example.com", base_dn: "dc=example,dc=com", user_attr: "uid" });
    await expect(create(realm, client, { realm: "corp", type: "ad", server1: "ldap.example.com", domain: "example.com", adopt: true })).rejects.toThrow(
      /'type', which PVE cannot change in place/,
    );
    expect((await client.get<Record<string, unknown>>("/access/domains/corp"))["type"]).toBe("ldap");
    const { outs } = await create(group, client, { groupId: "ops", comment: "by hand", adopt: true });
    expect(outs).toMatchObject({ groupId: "ops", comment: "by hand" });
  });

  it("is an input check accepts only as a boolean, and a change of it is no change", () => {
    expect(check(pool, { poolId: "p", adopt: "yes" }).failures).toEqual([{ property: "adopt", reason: "must be true or false" }]);
    expect(check(pool, { poolId: "p", adopt: true }).failures).toEqual([]);
    expect(diff(pool, { poolId: "p" }, { poolId: "p", adopt: true }).changes).toBe(false);
    // Singletons always exist and are adopted by their create: they take no `adopt`.
    expect(check(definitionOf("cluster:Options"), { keyboard: "de", adopt: true }).failures.map((f) => f.property)).toEqual(["adopt"]);
  });
});
