/** Schema validation with PVE's per-field messages (PVE::JSONSchema). */
import { describe, expect, it } from "vitest";
import { schemaMethod } from "./core/schema";
import { validateParams } from "./core/validate";
import { SimError } from "./types";
import { raw, TEST_TOKEN } from "./testkit/raw";
import { useSimulator } from "./testkit/sim";

const sim = useSimulator();
const auth = { token: TEST_TOKEN };

async function errorsOf(method: string, path: string, form: Record<string, string>): Promise<Record<string, string> | undefined> {
  const inQuery = method === "GET" || method === "DELETE";
  const r = await raw(sim(), method, path, inQuery ? { auth, query: form } : { auth, form });
  expect([r.status, r.reason]).toEqual([400, "Parameter verification failed."]);
  expect(r.json?.message).toBe("Parameter verification failed.\n");
  return r.json?.errors;
}

/** Validates against a schema method directly (for endpoints no model serves). */
function validate(method: "POST" | "PUT", template: string, params: Record<string, unknown>): Record<string, string> {
  const def = schemaMethod(method, template);
  if (!def) throw new Error(`no ${method} ${template}`);
  try {
    validateParams(def.parameters ?? {}, params, Boolean(def.additionalParameters));
  } catch (err) {
    if (err instanceof SimError && err.errors) return { ...err.errors };
    throw err;
  }
  return {};
}

describe("validation", () => {
  it("refuses unknown parameters", async () => {
    expect(await errorsOf("POST", "/pools", { poolid: "x", colour: "red" })).toEqual({
      colour: "property is not defined in schema and the schema does not allow additional properties",
    });
  });

  it("requires non-optional parameters", async () => {
    expect(await errorsOf("POST", "/pools", { comment: "c" })).toEqual({ poolid: "property is missing and it is not optional" });
  });

  it("checks integers and booleans (0/1 only at the top level)", async () => {
    expect(await errorsOf("POST", "/access/users", { userid: "t@pve", expire: "soon", enable: "true" })).toEqual({
      expire: "type check ('integer') failed - got 'soon'",
      enable: "type check ('boolean') failed - got 'true'",
    });
  });

  it("checks enums, minimum and maxLength", async () => {
    expect(await errorsOf("GET", "/nodes/pve1/tasks", { source: "everything", limit: "-1" })).toEqual({
      source: "value 'everything' does not have a value in the enumeration 'archive, active, all'",
      limit: "value must have a minimum value of 0",
    });
    expect(await errorsOf("POST", "/access/users", { userid: "t@pve", password: "short" })).toEqual({ password: "value must be at least 8 characters long" });
  });

  it("checks anchored patterns", async () => {
    expect(await errorsOf("POST", "/access/users/root@pam/token/9bad", {})).toEqual({ tokenid: "value does not match the regex pattern" });
  });

  it("checks named formats with PVE's texts", async () => {
    expect(await errorsOf("POST", "/access/users", { userid: "no-realm" })).toEqual({ userid: "invalid format - value 'no-realm' does not look like a valid user name\n" });
    expect(await errorsOf("POST", "/pools", { poolid: "a/b/c/d" })).toEqual({ poolid: "invalid format - pool name 'a/b/c/d' nested too deeply (max levels = 3)\n" });
    expect(await errorsOf("POST", "/access/roles", { roleid: "R1", privs: "VM.Monitor" })).toEqual({ privs: "invalid format - invalid privilege 'VM.Monitor'\n" });
    expect(await errorsOf("GET", "/nodes/pve1/tasks", { vmid: "abc" })).toEqual({ vmid: "type check ('integer') failed - got 'abc'" });
  });

  it("checks `requires`", async () => {
    expect(await errorsOf("PUT", "/access/users/root@pam", { append: "1" })).toEqual({ groups: "missing property required by 'append'" });
  });

  it("parses property strings: default key, sub-key types, unknown keys", () => {
    expect(validate("POST", "/nodes/{node}/qemu", { node: "pve1", vmid: 100, net0: "virtio,bridge=vmbr0,firewall=yes" })).toEqual({});
    expect(validate("POST", "/nodes/{node}/qemu", { node: "pve1", vmid: 100, net0: "virtio,colour=red" })).toEqual({
      net0: "invalid format - invalid key in comma-separated list property: colour\n",
    });
    expect(validate("POST", "/nodes/{node}/qemu", { node: "pve1", vmid: 100, net0: "virtio,bridge=vmbr0,tag=abc" })).toEqual({
      net0: "invalid format - format error\nnet0.tag: type check ('integer') failed - got 'abc'\n",
    });
  });

  it("takes PVE's other legal values: JSON numbers for strings, 0/1 for booleans", () => {
    expect(validate("POST", "/pools", { poolid: "p", comment: 5 })).toEqual({});
    expect(validate("PUT", "/pools", { poolid: "p", delete: 1 })).toEqual({});
  });
});
