/**
 * Every secret-bearing field of every kind (tests/pulumi-engine/secret-cases.ts), through the local
 * engine against the simulator: secret in the state after up and after refresh, never on disk in
 * plain text, and secret in what every read function returns.
 */
import { inspect } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invokeRead } from "../../provider/reads";
import { definitionOf } from "../../schema/definitions";
import { reads } from "../../schema/reads";
import { isSecret, type PropertyMap } from "../pulumi-engine/values";
import type { EngineResult } from "../pulumi-engine";
import { SECRET_CASES, type SecretCase } from "../pulumi-engine/secret-cases";
import { type Declared, type Stack, newStack } from "./harness";

const CASES = SECRET_CASES.filter((c) => c.e2e);

/** The case as a program writes it: plain values, none wrapped in `pulumi.secret`; the SDK must mark them itself. */
function declared(c: SecretCase): Declared {
  return { namespace: c.namespace, kind: c.kind, name: c.name, args: c.args, ...(c.kind === "ApiToken" ? { dependsOn: ["user"] } : {}) };
}

/** The plain value of a secret sentinel or an output. */
function unwrap<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** The secret outputs' values a state recorded (what PVE assigned: a token's value, recovery keys). */
function assignedSecrets(result: EngineResult): string[] {
  const values: string[] = [];
  for (const resource of result.state.resources) {
    for (const c of CASES.filter((x) => resource.name === x.name)) {
      const def = definitionOf(`${c.namespace}:${c.kind}`);
      for (const [name, output] of Object.entries(def.outputs ?? {})) {
        const value = resource.outputs[name];
        if (output.secret && isSecret(value)) values.push(...(Array.isArray(value.value) ? value.value.map(String) : [String(value.value)]));
      }
    }
  }
  return values;
}

/** Each case's secret fields are secret sentinels in the resource's inputs and outputs. */
function expectSecretInState(result: EngineResult): void {
  for (const c of CASES) {
    const resource = result.state.resources.find((r) => r.name === c.name && r.custom);
    expect(resource, c.name).toBeDefined();
    for (const name of c.secrets) {
      const sides: Array<[string, PropertyMap | undefined]> = [
        ["outputs", resource?.outputs],
        ["inputs", name in (resource?.inputs ?? {}) ? resource?.inputs : undefined],
      ];
      for (const [side, props] of sides) {
        if (props === undefined || props[name] === undefined) continue;
        expect(isSecret(props[name]), `${c.name} ${side}.${name}`).toBe(true);
      }
      expect(resource?.outputs[name], `${c.name} outputs.${name}`).toBeDefined();
    }
  }
}

let stack: Stack;
const saved = { ...process.env };
const resources = CASES.map(declared);

beforeAll(async () => {
  // TFA entries and ACME accounts need root@pam's own login: PVE refuses API tokens there.
  stack = await newStack("secrets-state", "environment", { auth: "ticket" });
  await stack.admin.post("/access/users", { userid: "alice@pve", password: "alice-login-Passw0rd" });
  await stack.admin.post("/access/groups", { groupid: "sec-group" });
  await stack.admin.post("/pools", { poolid: "sec-pool" });
}, 120_000);
afterAll(async () => {
  process.env = saved;
  await stack?.close();
});

describe("every secret-bearing field through the local engine", () => {
  it("is secret in the state after up and after refresh, never on disk in plain text, and secret from every read function", async () => {
    const created = await stack.up(resources);
    expect(created.ok, [...created.hostOutput, ...created.programErrors, ...created.steps.map((s) => `${s.name}: ${s.error ?? ""}`)].join("\n")).toBe(true);
    const hidden = [...CASES.flatMap((c) => c.hidden), ...assignedSecrets(created)];
    expect(assignedSecrets(created).length).toBeGreaterThanOrEqual(11); // the token's value and ten recovery keys
    expectSecretInState(created);
    for (const text of hidden) expect(stack.stateText(), text).not.toContain(text);

    const refreshed = await stack.refresh(resources);
    expect(refreshed.ok, refreshed.hostOutput.join("\n")).toBe(true);
    expectSecretInState(refreshed);
    for (const text of hidden) expect(stack.stateText(), text).not.toContain(text);
    // What PVE returns on read came back into the state, as a secret (not only the program's value).
    const realm = refreshed.state.resources.find((r) => r.name === "pve-realm-tfa");
    expect(isSecret(realm?.outputs["tfa"]) && JSON.stringify(realm?.outputs["tfa"].value)).toContain("yUb1c0ApiK3yS3cret0123==");
    for (const line of [...created.hostOutput, ...refreshed.hostOutput]) for (const text of hidden) expect(line).not.toContain(text);

    await expectReadsSecret(hidden);

    const destroyed = await stack.destroy(resources);
    expect(destroyed.ok, destroyed.hostOutput.join("\n")).toBe(true);
  }, 600_000);
});

/** Arguments for every read function (a missing object is fine: what matters is what comes back). */
const READ_ARGS: Readonly<Record<string, Record<string, unknown>>> = {
  "access.getUser": { userId: "sec-user@pve" },
  "access.getUsers": {},
  "cluster.getResources": {},
  "cluster.getNextId": {},
  "vm.getVirtualMachines": {},
  "vm.getVirtualMachine": { node: "pve1", vmid: 100 },
  "cluster.getPool": { poolId: "sec-pool" },
  "cluster.getStatus": {},
  "access.getRealms": {},
  "access.getRealm": { realm: "sec-oidc" },
  "access.getGroups": {},
  "access.getGroup": { groupId: "sec-group" },
  "access.getRoles": {},
  "access.getRole": { roleId: "PVEAuditor" },
  "access.getAcl": {},
  "access.getTfa": { userId: "alice@pve" },
  "cluster.getPools": {},
  "cluster.getOptions": {},
  "cluster.getBackupJobs": {},
  "cluster.getBackupJob": { jobId: "none" },
  "cluster.getReplicationJobs": {},
  "cluster.getReplicationJob": { jobId: "100-0" },
  "firewall.getClusterOptions": {},
  "storage.getStorages": {},
  "storage.getStorage": { storageId: "sec-pbs" },
  "storage.getNodeStorages": { node: "pve1" },
  "storage.getNodeStorageStatus": { node: "pve1", storageId: "sec-pbs" },
  "sdn.getZones": {},
  "sdn.getPending": {},
  "node.getCertificates": { node: "pve1" },
  "node.getAptRepositories": { node: "pve1" },
  "node.getFirewallLog": { node: "pve1" },
  "cluster.getAcmeDirectories": {},
  "cluster.getAcmeMeta": {},
  "cluster.getAcmeAccounts": {},
  "cluster.getAcmeChallengeSchema": {},
  getVersion: {},
};

/** Plain texts of a read's result (outside secret outputs), and the values of its secret outputs. */
async function walk(value: unknown, plain: string[], secrets: unknown[]): Promise<void> {
  if (pulumi.Output.isInstance(value)) {
    const inner = await unwrap(value as pulumi.Output<unknown>);
    if (await pulumi.isSecret(value as pulumi.Output<unknown>)) secrets.push(inner);
    else await walk(inner, plain, secrets);
  } else if (Array.isArray(value)) for (const item of value) await walk(item, plain, secrets);
  else if (typeof value === "object" && value !== null) for (const item of Object.values(value)) await walk(item, plain, secrets);
  else if (value !== undefined && value !== null) plain.push(String(value));
}

async function expectReadsSecret(hidden: string[]): Promise<void> {
  const qualified = reads.map((r) => (r.namespace ? `${r.namespace}.${r.name}` : r.name));
  expect(Object.keys(READ_ARGS).sort()).toEqual([...qualified].sort());
  process.env["PROXMOX_VE_ENDPOINT"] = stack.sim.endpoint;
  process.env["PROXMOX_VE_USERNAME"] = "root@pam";
  process.env["PROXMOX_VE_PASSWORD"] = stack.sim.rootPassword;
  process.env["PROXMOX_VE_FINGERPRINT"] = stack.sim.fingerprint;
  delete process.env["PROXMOX_VE_API_TOKEN"];
  const secretValues = new Map<string, unknown[]>();
  for (const name of qualified) {
    const plain: string[] = [];
    const secrets: unknown[] = [];
    try {
      await walk(await invokeRead(name, READ_ARGS[name] ?? {}), plain, secrets);
    } catch (error) {
      plain.push(inspect(error, { depth: 5 }));
    }
    for (const text of hidden) expect(plain.join("\n"), `${name}: ${text}`).not.toContain(text);
    secretValues.set(name, secrets);
  }
  // The reads that return secrets return them, as secret outputs.
  expect(secretValues.get("access.getRealm")).toContain("oidc-Cl13nt-s3cret-K3y");
  expect(secretValues.get("cluster.getOptions")).toContain("http://proxy-user:Pr0xy-P4ss-w0rd@proxy.example:3128");
  expect(secretValues.get("access.getUser")).toContain("JBSWY3DPEHPK3PXPJBSWY3DP");
  expect(secretValues.get("access.getUsers")).toContain("JBSWY3DPEHPK3PXPJBSWY3DP");
  const pve = await invokeRead<Record<string, unknown>>("access.getRealm", { realm: "pve" });
  expect(await pulumi.isSecret(pve["tfa"] as pulumi.Output<string>)).toBe(true);
  expect(await unwrap(pve["tfa"] as pulumi.Output<string>)).toContain("key=yUb1c0ApiK3yS3cret0123==");
}
