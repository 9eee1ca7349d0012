/**
 * One stack per datacenter through the real CLI: one program, two stacks in one backend, two
 * simulators, each stack with its own `proxmox:*` config (a secret API token for dc1, ticket auth
 * with a secret password for dc2). Each stack touches only its own cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PASSPHRASE, TOKEN_SECRET, programDir, stepsOf, type Declared } from "../e2e/harness";
import { newRealStack, type RealStack } from "./e2e";
import { cliEnvironment, type CliEnvironment } from "./stack";

const program = (dc: string, comment: string): Declared[] => [
  { namespace: "cluster", kind: "Pool", name: "team", args: { poolId: "team", comment } },
  { namespace: "access", kind: "Group", name: "ops", args: { groupId: "ops", comment: `operators of ${dc}` } },
];

type Pools = Array<{ poolid: string; comment?: string }>;

let environment: CliEnvironment;
let dc1: RealStack;
let dc2: RealStack;

beforeAll(async () => {
  environment = cliEnvironment(PASSPHRASE);
  dc1 = await newRealStack("datacenters", { stack: "dc1", credentialsVia: "stack config", auth: "token", environment });
  dc2 = await newRealStack("datacenters", { stack: "dc2", credentialsVia: "stack config", auth: "ticket", environment });
}, 300_000);
afterAll(async () => {
  await dc1?.close();
  await dc2?.close();
  environment?.close();
});

describe("one stack per datacenter", () => {
  it("each stack creates its resources on its own cluster, with its own credentials", async () => {
    const one = await dc1.up(program("dc1", "dc1 guests"));
    expect(one.ok, one.stderr).toBe(true);
    expect(await dc1.admin.get<Pools>("/pools", { poolid: "team" })).toMatchObject([{ poolid: "team", comment: "dc1 guests" }]);
    expect(await dc2.admin.get<Pools>("/pools")).toEqual([]);
    const two = await dc2.up(program("dc2", "dc2 guests"));
    expect(two.ok, two.stderr).toBe(true);
    expect(await dc2.admin.get<Pools>("/pools", { poolid: "team" })).toMatchObject([{ poolid: "team", comment: "dc2 guests" }]);
    expect(await dc1.admin.get<Pools>("/pools", { poolid: "team" })).toMatchObject([{ comment: "dc1 guests" }]);
  }, 300_000);

  it("keeps each stack's credentials as secrets in its own config, never in plain text in its state", async () => {
    const exported1 = await dc1.exportText();
    const exported2 = await dc2.exportText();
    expect(exported1).not.toContain(TOKEN_SECRET);
    expect(exported2).not.toContain(dc2.sim.rootPassword);
    // Stack config files: dc1 has an encrypted token, dc2 a user and an encrypted password.
    const config1 = readFileSync(join(programDir("cli-datacenters"), "Pulumi.dc1.yaml"), "utf8");
    const config2 = readFileSync(join(programDir("cli-datacenters"), "Pulumi.dc2.yaml"), "utf8");
    expect(config1).toMatch(/proxmox:apiToken:\s*\n\s*secure: /);
    expect(config1).not.toContain(TOKEN_SECRET);
    expect(config2).toMatch(/proxmox:username: root@pam/);
    expect(config2).toMatch(/proxmox:password:\s*\n\s*secure: /);
    expect(config2).not.toContain(dc2.sim.rootPassword);
    // The two stacks' states hold their own resources only.
    expect(exported1).toContain("urn:pulumi:dc1::e2e::");
    expect(exported1).not.toContain("urn:pulumi:dc2::");
  }, 300_000);

  it("a change to one datacenter's stack touches only that cluster", async () => {
    const planned = await dc1.preview(program("dc1", "dc1 guests, changed"));
    expect(stepsOf(planned)).toEqual(["same ops", "update team"]);
    expect((await dc1.up(program("dc1", "dc1 guests, changed"))).ok).toBe(true);
    expect(await dc1.admin.get<Pools>("/pools", { poolid: "team" })).toMatchObject([{ comment: "dc1 guests, changed" }]);
    expect(await dc2.admin.get<Pools>("/pools", { poolid: "team" })).toMatchObject([{ comment: "dc2 guests" }]);
    expect(stepsOf(await dc2.preview(program("dc2", "dc2 guests"), { expectNoChanges: true }))).toEqual(["same ops", "same team"]);
  }, 300_000);

  it("destroying one datacenter's stack leaves the other cluster as it is", async () => {
    expect((await dc1.destroy(program("dc1", "dc1 guests, changed"))).ok).toBe(true);
    expect(await dc1.admin.get<Pools>("/pools")).toEqual([]);
    expect(await dc2.admin.get<Pools>("/pools", { poolid: "team" })).toHaveLength(1);
    expect((await dc2.destroy(program("dc2", "dc2 guests"))).ok).toBe(true);
    expect(await dc2.admin.get<Pools>("/pools")).toEqual([]);
  }, 300_000);
});
