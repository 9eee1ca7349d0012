import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOKEN_SECRET, newStack, stepsOf, type Declared, type Stack } from "./harness";
import { installNextBuild } from "./next-build";

const PASSWORD = "a-Password-that-must-stay-secret";
const resources: Declared[] = [
  { namespace: "access", kind: "Group", name: "g1", args: { groupId: "g1" } },
  { namespace: "access", kind: "Group", name: "g2", args: { groupId: "g2", comment: "second" } },
  { namespace: "access", kind: "User", name: "u", args: { userId: "u@pve", password: { $secret: PASSWORD } } },
  { namespace: "access", kind: "ApiToken", name: "t", args: { userId: "root@pam", tokenId: "ci" } },
];

interface StateResource {
  name: string;
  type: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

let stack: Stack;
let state: { resources: StateResource[] };

beforeAll(async () => {
  stack = await newStack("serialization");
  const result = await stack.up(resources);
  expect(result.ok).toBe(true);
  state = JSON.parse(stack.stateText()) as { resources: StateResource[] };
}, 180_000);
afterAll(async () => {
  await stack?.close();
});

function byName(name: string): StateResource {
  const found = state.resources.find((r) => r.name === name);
  if (!found) throw new Error(`no ${name} in state`);
  return found;
}

describe("the serialized provider in the state", () => {
  it("is small, only requires the stable runtime entry point, and is identical across resources of a kind", () => {
    const g1 = String(byName("g1").inputs["__provider"]);
    const g2 = String(byName("g2").inputs["__provider"]);
    expect(g1).toBe(g2);
    expect(g1.length).toBeLessThan(3000);
    const requires = [...g1.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(["@naas/pulumi-proxmox/runtime"]));
    expect(g1).toContain('kind: "access:Group"');
    expect(String(byName("u").inputs["__provider"])).toContain('kind: "access:User"');
  });

  it("holds no credential, endpoint secret or password anywhere in the state file", () => {
    const text = stack.stateText();
    expect(text).not.toContain(TOKEN_SECRET);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(stack.sim.rootPassword);
  });

  it("keeps the token secret and the password as encrypted secrets", () => {
    for (const [name, key] of [
      ["t", "value"],
      ["u", "password"],
    ] as const) {
      const value = byName(name).outputs[key];
      expect(typeof value, `${name}.${key}`).toBe("object");
      expect(JSON.stringify(value)).toMatch(/ciphertext/);
    }
  });
});

describe("a state written by this version", () => {
  it("refreshes and destroys with the next build, whose internal layout moved", async () => {
    const programDir = join(__dirname, "..", "..", ".engine", "e2e", "serialization");
    expect(installNextBuild(programDir)).toBe("99.0.0-next");

    await stack.admin.put("/access/groups/g2", { comment: "edited" });
    const refreshed = await stack.refresh(resources);
    expect(refreshed.ok).toBe(true);
    expect(refreshed.steps.find((s) => s.name === "g2")?.drift).toEqual(["comment"]);

    const destroyed = await stack.destroy(resources);
    expect(destroyed.ok).toBe(true);
    expect(stepsOf(destroyed)).toEqual(["delete g1", "delete g2", "delete t", "delete u"]);
    await expect(stack.admin.get("/access/groups/g1")).rejects.toMatchObject({ kind: "not-found" });
    await expect(stack.admin.get("/access/users/u@pve")).rejects.toMatchObject({ kind: "not-found" });
  }, 180_000);
});
