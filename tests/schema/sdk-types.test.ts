/**
 * The generated SDK's types catch mistakes: every PVE flag is a `boolean` (never a 0/1 number),
 * free strings PVE takes from a list offer that list as a union, id lists hold numbers, property
 * strings are typed objects, and no field's doc is only the schema's facts. The checks read the
 * generated files themselves (what users see), next to the definitions they come from.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, expectTypeOf, it } from "vitest";
import { check } from "../../provider/engine";
import { entryShape, isFlagInteger } from "../../schema/codecs";
import type { KindDefinition } from "../../schema/define";
import { definitionOf, definitions } from "../../schema/definitions";
import { FIREWALL_MACROS } from "../../schema/facts/firewall";
import type { FieldDef } from "../../schema/fields";
import { describeParam } from "../../schema/fields";
import { toCamel } from "../../schema/naming";
import { apiMethod, type ApiParam, type ApiPropertyKey } from "../../schema/pve-schema";
import type * as sdk from "../../sdk";

const root = join(__dirname, "..", "..");

/** The generated module of a kind: `sdk/<namespace>/<kebab-name>.ts`. */
function generated(def: KindDefinition): string {
  const file = def.name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
  return readFileSync(join(root, "sdk", def.namespace, `${file}.ts`), "utf8");
}

/** The body of `export interface <name> { ... }` in a generated module. */
function interfaceBody(source: string, name: string): string {
  const start = source.indexOf(`export interface ${name} {`);
  if (start < 0) throw new Error(`no interface ${name}`);
  return source.slice(start, source.indexOf("\n}\n", start));
}

/** The declared type of each member of an interface body, by name (`pulumi.Input<boolean>`). */
function memberTypes(body: string): Map<string, string> {
  return new Map([...body.matchAll(/^ {2}readonly (\w+)\??: (.+);$/gm)].map((m) => [m[1] ?? "", m[2] ?? ""]));
}

/** Each member's doc comment (its lines without the `*`), by member name. */
function memberDocs(body: string): Map<string, string[]> {
  const docs = [...body.matchAll(/^ {2}\/\*\*\n((?: {3}\*.*\n)*?) {3}\*\/\n {2}readonly (\w+)/gm)];
  return new Map(docs.map((m) => [m[2] ?? "", (m[1] ?? "").split("\n").map((line) => line.replace(/^ {3}\* ?/, ""))]));
}

/** Integers named like an on/off switch: PVE's flags whose schema says integer (pve-firewall's `enable`). */
const SWITCH_NAMES = /^(enable|enabled|disable|disabled)$/;

/** Whether the facts say flag: a boolean, an integer 0..1, or an integer named like a switch. */
function factsSayFlag(pveName: string, fact: Pick<ApiPropertyKey, "type" | "minimum" | "maximum">): boolean {
  return fact.type === "boolean" || isFlagInteger(fact) || (fact.type === "integer" && SWITCH_NAMES.test(pveName));
}

/**
 * The flags of a kind that are not `boolean`, in its field definitions or in the generated
 * `Args` (fields and the sub-keys of their property strings), as `field` or `field.subKey`.
 */
function numericFlags(def: KindDefinition, fields: readonly FieldDef[], source: string): string[] {
  const members = memberTypes(interfaceBody(source, `${def.name}Args`));
  const found: string[] = [];
  for (const field of fields) {
    if (factsSayFlag(field.pveName, field.param as Pick<ApiPropertyKey, "type">)) {
      const declared = members.get(field.sdkName) ?? "";
      if (field.type.kind !== "boolean" || !/^pulumi\.Input<boolean>$/.test(declared)) found.push(field.sdkName);
    }
    const object = field.type.kind === "list" && field.type.items ? field.type.items : field.type;
    if (object.kind !== "object" || typeof field.param.format !== "object") continue;
    const camel = toCamel(field.pveName);
    const subs = memberTypes(interfaceBody(source, `${def.name}${camel.charAt(0).toUpperCase()}${camel.slice(1)}Args`));
    for (const [key, sub] of Object.entries(object.keys)) {
      const fact = field.param.format[sub.pveName];
      if (fact && factsSayFlag(sub.pveName, fact) && (sub.type.kind !== "boolean" || subs.get(key) !== "pulumi.Input<boolean>"))
        found.push(`${field.sdkName}.${key}`);
    }
  }
  return found;
}

describe.each(definitions.map((d) => [d.key, d] as const))("the generated SDK of %s", (_key, def) => {
  const source = generated(def);

  it("types every PVE flag as boolean (PVE's 0/1 stays the wire form)", () => {
    expect(numericFlags(def, def.fieldList, source)).toEqual([]);
  });

  it("documents every input in words of its own, not the schema's `PVE parameter ...` stub", () => {
    for (const name of [`${def.name}Args`, `${def.name}State`]) {
      const stubs = [...memberDocs(interfaceBody(source, name))].filter(([, doc]) => doc[0]?.startsWith("PVE parameter `")).map(([member]) => member);
      expect(stubs, name).toEqual([]);
    }
    expect(source).not.toMatch(/^\s*\* PVE parameter `/m);
  });

  it('shows PVE\'s default of a flag as `true` or `false`, not as PVE\'s `1`, `"1"` or `"yes"`', () => {
    const docs = memberDocs(interfaceBody(source, `${def.name}Args`));
    for (const field of def.fieldList.filter((f) => f.type.kind === "boolean" && f.param.default !== undefined)) {
      const line = docs.get(field.sdkName)?.find((text) => text.startsWith("@default "));
      expect(line, field.sdkName).toMatch(/^@default (true|false) \(PVE's default/);
    }
  });
});

describe("the SDK test", () => {
  it("would see a flag typed as a number: a firewall rule's `enable` without its override", () => {
    const def = definitionOf("firewall:ClusterRule");
    const enable = def.fieldsByPveName.get("enable");
    if (!enable) throw new Error("no enable");
    const asFacts = { ...enable, type: entryShape(enable.param).type };
    expect(asFacts.type).toEqual({ kind: "number" });
    expect(numericFlags(def, [asFacts], generated(def))).toEqual(["enable"]);
    const numeric = generated(def).replace("readonly enable?: pulumi.Input<boolean>;", "readonly enable?: pulumi.Input<number>;");
    expect(numericFlags(def, [enable], numeric)).toEqual(["enable"]);
  });

  it("would see a stub doc", () => {
    const def = definitionOf("firewall:ClusterRule");
    const enable = def.fieldsByPveName.get("enable");
    if (!enable) throw new Error("no enable");
    const stub = generated(def).replace(enable.doc, describeParam("enable", enable.param));
    expect(memberDocs(interfaceBody(stub, "ClusterRuleArgs")).get("enable")?.[0]).toMatch(/^PVE parameter `enable`/);
  });
});

describe("firewall flags", () => {
  const rule = definitionOf("firewall:ClusterRule");
  const options = definitionOf("firewall:ClusterOptions");
  const ruleArgs = { comment: "ssh", type: "in", action: "ACCEPT", macro: "SSH" };

  it("take true/false, send 1/0 and read back any non-zero value as on", () => {
    for (const def of [rule, options]) {
      const enable = def.fieldsByPveName.get("enable");
      expect(enable?.param.type).toBe("integer");
      expect(enable?.codec.encode(true)).toBe(1);
      expect(enable?.codec.encode(false)).toBe(0);
      expect(enable?.codec.decode(1)).toBe(true);
      expect(enable?.codec.decode("0")).toBe(false);
    }
    // The datacenter's anti-lockout enable holds a timestamp until confirmed (pve-firewall `Cluster.pm`).
    expect(options.fieldsByPveName.get("enable")?.codec.decode(1767225600)).toBe(true);
  });

  it("refuses the old numeric form in check", () => {
    expect(check(rule, { ...ruleArgs, enable: true }).failures).toEqual([]);
    expect(check(rule, { ...ruleArgs, enable: 1 }).failures.map((f) => f.property)).toEqual(["enable"]);
    expect(check(options, { enable: 1 }).failures.map((f) => f.property)).toEqual(["enable"]);
  });

  it("say where PVE's default surprises: a rule created without `enable` is disabled", () => {
    expect(rule.fieldsByPveName.get("enable")?.doc).toMatch(/without `enable` disabled/);
    expect(options.fieldsByPveName.get("enable")?.param.default).toBe(0);
    expect(generated(options)).toMatch(/@default false \(PVE's default/);
  });

  it("are booleans to the compiler", () => {
    expectTypeOf<sdk.firewall.ClusterRuleArgs["enable"]>().toEqualTypeOf<pulumi.Input<boolean> | undefined>();
    expectTypeOf<sdk.firewall.ClusterOptionsArgs["enable"]>().toEqualTypeOf<pulumi.Input<boolean> | undefined>();
  });
});

describe("firewall rule values", () => {
  const rule = definitionOf("firewall:ClusterRule");
  const base = { comment: "r", type: "in", action: "ACCEPT" };
  const args = memberTypes(interfaceBody(generated(rule), "ClusterRuleArgs"));
  const reasons = (inputs: Record<string, unknown>, property: string): string[] =>
    check(rule, { ...base, ...inputs })
      .failures.filter((f) => f.property === property)
      .map((f) => f.reason);

  it("offer PVE's actions, keeping a security group's name possible", () => {
    expect(args.get("action")).toBe('pulumi.Input<"ACCEPT" | "DROP" | "REJECT" | (string & {})>');
    expect(reasons({ type: "group", action: "webservers" }, "action")).toEqual([]);
    expect(reasons({ action: "ALLOW" }, "action")[0]).toMatch(/^unknown action 'ALLOW'/);
  });

  it("offer exactly PVE's macros (pve-firewall `$pve_fw_macros`) and refuse an unknown one as PVE does", () => {
    const union = args.get("macro") ?? "";
    expect(union).not.toContain("string & {}");
    for (const macro of FIREWALL_MACROS) expect(union).toContain(JSON.stringify(macro));
    expect(reasons({ macro: "Telnetz" }, "macro")[0]).toMatch(/^unknown macro 'Telnetz'/);
    expect(reasons({ macro: "SSH" }, "macro")).toEqual([]);
  });

  it("offer protocol names and take a protocol number /etc/protocols lists", () => {
    const union = args.get("proto") ?? "";
    for (const name of ["tcp", "udp", "icmp", "ipv6-icmp"]) expect(union).toContain(JSON.stringify(name));
    expect(union).toMatch(/\| \(string & \{\}\)>$/);
    expect(reasons({ proto: "6" }, "proto")).toEqual([]);
    expect(reasons({ proto: "tcpp" }, "proto")[0]).toMatch(/^unknown protocol 'tcpp'/);
  });

  it("are unions to the compiler", () => {
    expectTypeOf<"SSH">().toExtend<NonNullable<sdk.firewall.ClusterRuleArgs["macro"]>>();
    expectTypeOf<"Telnetz">().not.toExtend<NonNullable<sdk.firewall.ClusterRuleArgs["macro"]>>();
    expectTypeOf<"webservers">().toExtend<NonNullable<sdk.firewall.ClusterRuleArgs["action"]>>();
  });
});

describe("a backup job's guests", () => {
  const job = definitionOf("cluster:BackupJob");
  const base = { jobId: "nightly", schedule: "daily" };

  it("are VMIDs as numbers, sent as PVE's comma-separated `pve-vmid-list`", () => {
    for (const pveName of ["vmid", "exclude"]) {
      const field = job.fieldsByPveName.get(pveName);
      expect(field?.param.format).toBe("pve-vmid-list");
      expect(field?.type).toEqual({ kind: "list", items: { kind: "number" } });
      expect(field?.codec.encode([100, 101])).toBe("100,101");
      expect(field?.codec.decode("101,100")).toEqual([101, 100]);
      expect(field?.codec.equal([100, 101], "101,100")).toBe(true);
      expect(field?.codec.equal([100, 101], "100")).toBe(false);
    }
    const args = memberTypes(interfaceBody(generated(job), "BackupJobArgs"));
    expect(args.get("vmIds")).toBe("pulumi.Input<pulumi.Input<number>[]>");
    expectTypeOf<sdk.cluster.BackupJobArgs["vmIds"]>().toEqualTypeOf<pulumi.Input<pulumi.Input<number>[]> | undefined>();
  });

  it("are checked as PVE checks a VMID (`pve_verify_vmid`), and strings are refused", () => {
    expect(check(job, { ...base, vmIds: [100, 999999999] }).failures).toEqual([]);
    const failures = check(job, { ...base, vmIds: [99, 1000000000] }).failures;
    expect(failures).toEqual([
      { property: "vmIds.0", reason: "value does not look like a valid VM ID" },
      { property: "vmIds.1", reason: "value does not look like a valid VM ID" },
    ]);
    expect(check(job, { ...base, vmIds: ["100"] }).failures.map((f) => f.property)).toEqual(["vmIds.0"]);
  });
});

describe("a subnet's DHCP ranges", () => {
  const subnet = definitionOf("sdn:Subnet");
  const field = subnet.fieldsByPveName.get("dhcp-range");
  if (!field) throw new Error("no dhcp-range");
  const range = { startAddress: "10.0.0.100", endAddress: "10.0.0.200" };
  const base = { vnet: "vnet1", cidr: "10.0.0.0/24" };

  it("are typed objects with the sub-keys of pve-network's `pve-sdn-dhcp-range`", () => {
    expect((apiMethod("POST", "/cluster/sdn/vnets/{vnet}/subnets")?.parameters["dhcp-range"] as ApiParam).items).toEqual({
      type: "string",
      format: "pve-sdn-dhcp-range",
    });
    const args = memberTypes(interfaceBody(generated(subnet), "SubnetArgs"));
    expect(args.get("dhcpRanges")).toBe("pulumi.Input<pulumi.Input<SubnetDhcpRangeArgs>[]>");
    expect(memberTypes(interfaceBody(generated(subnet), "SubnetDhcpRangeArgs"))).toEqual(
      new Map([
        ["startAddress", "pulumi.Input<string>"],
        ["endAddress", "pulumi.Input<string>"],
      ]),
    );
    expectTypeOf<sdk.sdn.SubnetArgs["dhcpRanges"]>().toEqualTypeOf<pulumi.Input<pulumi.Input<sdk.sdn.SubnetDhcpRangeArgs>[]> | undefined>();
  });

  it("round-trip to PVE's wire form and back from what PVE answers (parsed objects) or stores (strings)", () => {
    expect(field.codec.encode([range])).toBe("start-address=10.0.0.100,end-address=10.0.0.200");
    expect(field.codec.decode([{ "start-address": "10.0.0.100", "end-address": "10.0.0.200" }])).toEqual([range]);
    expect(field.codec.decode(["start-address=10.0.0.100,end-address=10.0.0.200"])).toEqual([range]);
    expect(field.codec.decode([])).toEqual([]);
    expect(field.codec.equal([range], [{ "start-address": "10.0.0.100", "end-address": "10.0.0.200" }])).toBe(true);
    expect(field.codec.equal([range], [{ ...range, endAddress: "10.0.0.201" }])).toBe(false);
  });

  it("are checked: both addresses required, no raw strings, one range while the client sends no repeated parameters", () => {
    expect(check(subnet, { ...base, dhcpRanges: [range] }).failures).toEqual([]);
    const props = (inputs: Record<string, unknown>): string[] => check(subnet, { ...base, ...inputs }).failures.map((f) => f.property);
    expect(props({ dhcpRanges: [{ startAddress: "10.0.0.100" }] })).toEqual(["dhcpRanges.0.endAddress"]);
    expect(props({ dhcpRanges: ["start-address=10.0.0.100,end-address=10.0.0.200"] })).toEqual(["dhcpRanges.0"]);
    expect(props({ dhcpRanges: [range, { startAddress: "10.0.0.210", endAddress: "10.0.0.220" }] })).toEqual(["dhcpRanges"]);
  });
});
