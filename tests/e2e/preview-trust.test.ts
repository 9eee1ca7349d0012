/**
 * A preview a pull-request check can trust, through the local engine and the real dynamic-provider
 * host: a connection PVE refuses, a node the cluster lacks, an id PVE already has and a value of
 * a wrong format all fail the preview, naming the setting or the field; and `up`, which previews
 * first, writes nothing then, not even the valid siblings.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineResult } from "../pulumi-engine";
import { newStack, type Declared, type Stack } from "./harness";

let stack: Stack;
beforeAll(async () => {
  stack = await newStack("preview-trust", "stack config");
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

const res = (namespace: string, kind: string, name: string, args: Record<string, unknown>): Declared => ({ namespace, kind, name, args });

/** Every error the run reports, its steps' and their failures'. */
function errors(result: EngineResult): string {
  return result.steps.flatMap((s) => [s.error ?? "", ...(s.failures ?? []).map((f) => `${f.property}: ${f.reason}`)]).join("\n");
}

async function poolIds(): Promise<string[]> {
  return (await stack.admin.get<Array<{ poolid: string }>>("/pools")).map((p) => p.poolid);
}

describe("preview connects to PVE", () => {
  const program = [res("cluster", "Pool", "p", { poolId: "trust-a" })];

  it("fails on a token PVE refuses, naming the variable that holds it, and up writes nothing", async () => {
    // The stack config's token is secret config; the environment's is the one a test can swap.
    const viaEnv = await newStack("preview-trust", "environment");
    try {
      const wrong = { env: { PROXMOX_VE_API_TOKEN: "root@pam!ci=00000000-0000-4000-8000-00000000dead" } };
      const previewed = await viaEnv.preview(program, wrong);
      expect(previewed.ok).toBe(false);
      expect(errors(previewed)).toMatch(/PROXMOX_VE_API_TOKEN was refused by https:\/\/\S+ \(GET \/version: Authentication failed!\)/);
      expect(errors(previewed)).not.toContain("00000000-0000-4000-8000-00000000dead");
      expect((await viaEnv.up(program, wrong)).ok).toBe(false);
      expect((await viaEnv.admin.get<Array<{ poolid: string }>>("/pools")).map((p) => p.poolid)).not.toContain("trust-a");
    } finally {
      await viaEnv.close();
    }
  }, 180_000);

  it("fails on a self-signed node without a fingerprint, printing the one to set", async () => {
    const previewed = await stack.preview(program, { config: { "proxmox:fingerprint": "" } });
    expect(previewed.ok).toBe(false);
    expect(errors(previewed)).toContain(`set proxmox:fingerprint to ${stack.sim.fingerprint}`);
  }, 180_000);
});

describe("preview refuses what PVE would, and up stops before its first write", () => {
  it.each([
    [
      "a node the cluster does not have",
      res("node", "Dns", "dns", { node: "pve9", search: "example.com" }),
      "node",
      /'pve9' is not a node of this cluster \(its nodes: pve1/,
    ],
    ["a CIDR prefix over 32", res("sdn", "Subnet", "sub", { vnet: "vnet1", cidr: "10.0.0.0/33" }), "cidr", /valid CIDR/],
    ["an IPv4 octet over 255", res("sdn", "Subnet", "sub", { vnet: "vnet1", cidr: "10.300.0.0/24" }), "cidr", /valid CIDR/],
    [
      "a gateway outside its subnet",
      res("sdn", "Subnet", "sub", { vnet: "vnet1", cidr: "10.0.0.0/24", gateway: "10.0.1.1" }),
      "gateway",
      /not in subnet 10\.0\.0\.0\/24/,
    ],
    ["a misspelled input", res("cluster", "Pool", "typo", { poolId: "trust-typo", coment: "x" }), "coment", /has no input 'coment'.*comment/],
  ])(
    "%s",
    async (_what, declared, property, reason) => {
      const program = [res("cluster", "Pool", "sibling", { poolId: "trust-sibling" }), declared];
      const previewed = await stack.preview(program);
      expect(previewed.ok).toBe(false);
      const failures = previewed.steps.find((s) => s.name === declared.name)?.failures ?? [];
      expect(failures.find((f) => f.property === property)?.reason).toMatch(reason);
      const applied = await stack.up(program);
      expect(applied.ok).toBe(false);
      expect(await poolIds()).not.toContain("trust-sibling");
    },
    180_000,
  );

  it("an id PVE already has, saying to adopt it; with adopt the same program applies", async () => {
    await stack.admin.post("/pools", { poolid: "trust-taken", comment: "by hand" });
    const program = (adopt: boolean) => [res("cluster", "Pool", "taken", { poolId: "trust-taken", comment: "managed", ...(adopt ? { adopt: true } : {}) })];
    const previewed = await stack.preview(program(false));
    expect(previewed.ok).toBe(false);
    expect(previewed.steps.find((s) => s.name === "taken")?.failures).toEqual([
      { property: "poolId", reason: "cluster.Pool 'trust-taken' already exists on PVE: adopt it (set `adopt: true`), or choose another identity" },
    ]);
    const adopted = await stack.up(program(true));
    expect(adopted.ok, errors(adopted)).toBe(true);
    expect(await stack.admin.get("/pools", { poolid: "trust-taken" })).toMatchObject([{ comment: "managed" }]);
    expect((await stack.destroy(program(true))).ok).toBe(true);
  }, 180_000);
});
