/**
 * node.Dns against the simulator's resolv.conf (pve-manager `update_dns`): PVE rewrites the name
 * servers from each write alone, so every update must send the whole set.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProxmoxClient } from "../../provider/client";
import { check, create, diff, update } from "../../provider/engine";
import { definitionOf } from "../../schema/definitions";
import { startSimulator, type Simulator } from "../sim";

const def = definitionOf("node:Dns");
let sim: Simulator;
let client: ProxmoxClient;

beforeAll(async () => {
  sim = await startSimulator({ nodes: 2, apiToken: "root@pam!dns=9a8b7c6d-0000-4000-8000-000000000d05", authFailureDelayMs: 0 });
  client = new ProxmoxClient({ endpoint: sim.endpoint, apiToken: sim.apiToken, fingerprint: sim.fingerprint });
});
afterAll(async () => {
  client.close();
  await sim.close();
});

describe("node.Dns", () => {
  it("changing one name server keeps the others; removing one removes it", async () => {
    const all = { node: "pve1", search: "corp.example", dns1: "10.0.0.53", dns2: "10.0.0.54", dns3: "10.0.0.55" };
    const { outs } = await create(def, client, all);
    expect(await client.get("/nodes/pve1/dns")).toEqual({ search: "corp.example", dns1: "10.0.0.53", dns2: "10.0.0.54", dns3: "10.0.0.55" });

    const changed = { ...all, dns1: "10.0.0.99" };
    const updated = await update(def, client, outs, changed);
    expect(await client.get("/nodes/pve1/dns")).toEqual({ search: "corp.example", dns1: "10.0.0.99", dns2: "10.0.0.54", dns3: "10.0.0.55" });
    expect(diff(def, updated.outs, changed).changes).toBe(false);

    const { dns3: _dropped, ...fewer } = changed;
    const shrunk = await update(def, client, updated.outs, fewer);
    expect(await client.get("/nodes/pve1/dns")).toEqual({ search: "corp.example", dns1: "10.0.0.99", dns2: "10.0.0.54" });
    expect(diff(def, shrunk.outs, fewer).changes).toBe(false);
  });

  it("preview refuses a gap or a repeat, which PVE would read back under other names", () => {
    const reasons = (inputs: Record<string, unknown>) => Object.fromEntries(check(def, inputs).failures.map((f) => [f.property, f.reason]));
    expect(reasons({ node: "pve1", search: "x.example", dns1: "10.0.0.1", dns3: "10.0.0.3" })).toEqual({
      dns3: "needs dns2: PVE numbers the name servers in order, so it would read back as dns2",
    });
    expect(reasons({ node: "pve1", search: "x.example", dns1: "10.0.0.1", dns2: "10.0.0.1" })).toEqual({ dns2: "repeats dns1: PVE writes a name server once" });
    expect(reasons({ node: "pve1", search: "x.example", dns1: "10.0.0.1", dns2: "10.0.0.2" })).toEqual({});
  });
});
