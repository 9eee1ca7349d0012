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
    expect(await errorsOf("POST", "/access/users", { userid: "no-realm" })).toEqual({
      userid: "invalid format - value 'no-realm' does not look like a valid user name\n",
    });
    expect(await errorsOf("POST", "/pools", { poolid: "a/b/c/d" })).toEqual({
      poolid: "invalid format - pool name 'a/b/c/d' nested too deeply (max levels = 3)\n",
    });
    expect(await errorsOf("POST", "/access/roles", { roleid: "R1", privs: "VM.Monitor" })).toEqual({
      privs: "invalid format - invalid privilege 'VM.Monitor'\n",
    });
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

  it("checks CIDR prefix bounds, PVE's address patterns and parse_id's length with PVE's texts", () => {
    const subnet = (params: Record<string, unknown>): Record<string, string> =>
      validate("POST", "/cluster/sdn/vnets/{vnet}/subnets", { vnet: "v1", type: "subnet", ...params });
    const notCidr = "invalid format - value does not look like a valid CIDR network\n";
    expect(subnet({ subnet: "10.0.0.0/33" })).toEqual({ subnet: notCidr });
    expect(subnet({ subnet: "10.0.0.0/7" })).toEqual({ subnet: notCidr });
    expect(subnet({ subnet: "10.300.0.0/24" })).toEqual({ subnet: notCidr });
    expect(subnet({ subnet: "10.0.0.0/8", gateway: "fe80::1%eth0" })).toEqual({ gateway: "invalid format - value does not look like a valid IP address\n" });
    expect(subnet({ subnet: "fd00::/64", gateway: "fd00::1" })).toEqual({});
    expect(validate("POST", "/storage", { storage: "s", type: "dir", path: "/srv" })).toEqual({
      storage: "invalid format - storage ID 's' cannot be shorter than 2 characters\n",
    });
  });

  it("checks the network, storage, certificate and ACME formats with PVE's texts", () => {
    const net = (params: Record<string, unknown>): Record<string, string> =>
      validate("POST", "/nodes/{node}/network", { node: "pve1", type: "bridge", ...params });
    expect(net({ iface: "vmbr1", address: "10.0.0.2", netmask: "24" })).toEqual({ netmask: "invalid format - value does not look like a valid IP netmask\n" });
    expect(net({ iface: "vmbr1", address: "10.0.0.2", netmask: "255.255.255.0" })).toEqual({});
    expect(net({ iface: "1bad" })).toEqual({ iface: "invalid format - invalid network interface name '1bad'\n" });
    expect(net({ iface: "vmbr1", bridge_vids: "2-4094 100-50" })).toEqual({
      bridge_vids: "invalid format - VLAN range must go from lower to higher tag '100-50'\n",
    });
    const store = (params: Record<string, unknown>): Record<string, string> => validate("POST", "/storage", { storage: "s1", type: "dir", ...params });
    expect(store({ path: "relative/dir" })).toEqual({ path: "invalid format - value does not look like a valid absolute path\n" });
    expect(store({ content: "images,floppy" })).toEqual({ content: "invalid format - invalid content type 'floppy'\n" });
    expect(store({ blocksize: "3k" })).toEqual({
      blocksize: "invalid format - value '3k' is not a valid ZFS blocksize. Must be a power of 2 between 512B and 16MiB (e.g., 4k, 8k, 16k, 64k, 1m).\n",
    });
    expect(store({ base: "nocolon" })).toEqual({ base: "invalid format - unable to parse volume ID 'nocolon'\n" });
    expect(validate("POST", "/nodes/{node}/certificates/custom", { node: "pve1", certificates: "not a certificate" })).toEqual({
      certificates: "invalid format - not a valid PEM-formatted string.\n",
    });
    expect(validate("PUT", "/nodes/{node}/config", { node: "pve1", acmedomain0: "localhost" })).toEqual({
      acmedomain0: "invalid format - format error\nacmedomain0.domain: invalid format - value 'localhost' does not look like a valid domain name!\n\n",
    });
    expect(validate("PUT", "/cluster/options", { mac_prefix: "BD:24" })).toEqual({
      mac_prefix: "invalid format - value is not a valid unicast MAC address prefix\n",
    });
  });
});
