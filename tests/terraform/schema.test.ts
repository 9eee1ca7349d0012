/** The Terraform schema derived from the kind definitions and read specs, and the cty wire format. */
import { ExtData, decode, encode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { definitions } from "../../schema/definitions";
import { reads } from "../../schema/reads";
import { toSnake } from "../../schema/naming";
import { type CtyType, type CtyValue, UNKNOWN, fromMsgpack, readDynamic, toMsgpack } from "../../provider/terraform/cty";
import { dataSourceTypes, isWriteOnlySecret, resourceTypes } from "../../provider/terraform/schema";
import { providersSchemaJson } from "../../provider/terraform/schema-json";

/** Names Terraform reserves in resource blocks (meta-arguments). */
const RESERVED = ["count", "depends_on", "for_each", "lifecycle", "provider", "provisioner", "connection"];

describe("the Terraform schema from the definitions", () => {
  it("has one resource type per kind and one data source per read function, named mechanically", () => {
    expect([...resourceTypes.keys()].sort()).toEqual(definitions.map((d) => `proxmox_${d.namespace}_${toSnake(d.name)}`).sort());
    expect(resourceTypes.has("proxmox_access_user")).toBe(true);
    expect(resourceTypes.has("proxmox_firewall_ip_set_entry")).toBe(true);
    expect(dataSourceTypes.size).toBe(reads.length);
    expect(dataSourceTypes.has("proxmox_access_users")).toBe(true);
    expect(dataSourceTypes.has("proxmox_version")).toBe(true);
  });

  it("uses valid, unreserved snake_case names and the definitions' flags", () => {
    for (const rt of resourceTypes.values()) {
      const names = rt.schema.attributes.map((a) => a.name);
      for (const name of names) expect(name, rt.typeName).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(
        names.filter((n) => RESERVED.includes(n)),
        rt.typeName,
      ).toEqual([]);
      for (const b of rt.bound) {
        if (b.source.kind !== "field") continue;
        const field = b.source.field;
        const a = b.attribute;
        expect(a.name).toBe(toSnake(field.sdkName));
        expect(a.required, `${rt.typeName}.${a.name}`).toBe(field.required);
        expect(a.writeOnly, `${rt.typeName}.${a.name}`).toBe(isWriteOnlySecret(field));
        expect(a.sensitive, `${rt.typeName}.${a.name}`).toBe(field.secret);
        // Write-only attributes cannot be computed; required ones are not optional.
        if (a.writeOnly) expect(a.computed).toBe(false);
        if (a.required) expect(a.optional || a.computed).toBe(false);
      }
    }
    const user = resourceTypes.get("proxmox_access_user");
    expect(user?.schema.attributes.find((a) => a.name === "password")).toMatchObject({ writeOnly: true, sensitive: true, optional: true, computed: false });
    expect(user?.schema.attributes.find((a) => a.name === "password_version")).toMatchObject({ optional: true, writeOnly: false });
    const token = resourceTypes.get("proxmox_access_api_token");
    expect(token?.schema.attributes.find((a) => a.name === "value")).toMatchObject({ computed: true, sensitive: true, optional: false });
    const job = resourceTypes.get("proxmox_cluster_backup_job");
    const retention = job?.schema.attributes.find((a) => a.name === "retention");
    expect(retention?.nested?.nesting).toBe("single");
    expect(retention?.nested?.attributes.map((a) => a.name)).toContain("keep_last");
    expect(resourceTypes.get("proxmox_node_options")?.schema.attributes.find((a) => a.name === "acme_domains")?.nested?.nesting).toBe("list");
    expect(resourceTypes.get("proxmox_access_role")?.schema.attributes.find((a) => a.name === "privileges")?.type).toEqual(["set", "string"]);
  });

  it("emits a providers-schema document with the same attributes", () => {
    const doc = providersSchemaJson();
    const provider = doc.provider_schemas["registry.opentofu.org/naas/proxmox"] as {
      resource_schemas: Record<string, { block: { attributes: Record<string, Record<string, unknown>> } }>;
    };
    const password = provider.resource_schemas["proxmox_access_user"]?.block.attributes["password"];
    expect(password).toMatchObject({ type: "string", optional: true, sensitive: true, write_only: true });
    expect(provider.resource_schemas["proxmox_cluster_backup_job"]?.block.attributes["retention"]?.["nested_type"]).toMatchObject({ nesting_mode: "single" });
  });
});

describe("cty values on the wire", () => {
  const type: CtyType = [
    "object",
    { name: "string", size: "number", tags: ["set", "string"], meta: ["map", "string"], any: "dynamic", nested: ["object", { on: "bool" }] },
  ];

  it("round-trips through msgpack with every attribute present and unknowns as extension 0", () => {
    const value: CtyValue = { name: "a", size: 1.5, tags: ["x"], meta: { k: "v" }, any: { deep: [1, "two"] }, nested: UNKNOWN };
    const bytes = toMsgpack(value, type);
    const raw = decode(bytes) as Record<string, unknown>;
    expect(raw["nested"]).toBeInstanceOf(ExtData);
    expect((raw["nested"] as ExtData).type).toBe(0);
    // A dynamic value travels as [type JSON, value].
    expect(Array.isArray(raw["any"])).toBe(true);
    expect(fromMsgpack(bytes, type)).toEqual(value);
    expect(fromMsgpack(toMsgpack({ name: "only" }, type), type)).toEqual({ name: "only", size: null, tags: null, meta: null, any: null, nested: null });
  });

  it("reads refined unknowns (extension 12) as unknown, numbers sent as strings as numbers, and JSON values", () => {
    const refined = new ExtData(12, encode(new Map([[1, false]])));
    const bytes = encode({ name: refined, size: "12345678901234567890", tags: [], meta: {}, any: null, nested: { on: true } });
    expect(fromMsgpack(bytes, type)).toMatchObject({ name: UNKNOWN, size: Number("12345678901234567890"), nested: { on: true } });
    expect(readDynamic({ json: Buffer.from(JSON.stringify({ name: "j", size: 2 })) }, type)).toMatchObject({ name: "j", size: 2, tags: null });
    expect(readDynamic({}, type)).toBeNull();
  });
});
