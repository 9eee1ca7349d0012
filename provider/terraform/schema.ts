/**
 * The Terraform provider's schema, derived from the same kind definitions and read specs as the
 * Pulumi SDK: one resource type per kind (`proxmox_<namespace>_<snake name>`), one data source per
 * read function (`access.getUsers` → `proxmox_access_users`), attribute names in snake_case of the
 * SDK's names. Each attribute remembers where its value comes from (a field, an output, the id,
 * `triggers`), so that values move between Terraform's shape and the engine's without a second table.
 */
import { type KindDefinition, hasTriggers } from "../../schema/define";
import { definitions } from "../../schema/definitions";
import type { FieldDef, FieldType } from "../../schema/fields";
import { indexedParam } from "../../schema/indexed";
import { toCamel, toSnake } from "../../schema/naming";
import type { ApiParam } from "../../schema/pve-schema";
import { type ReadArgument, type ReadArgumentType, type ReadDefinition, reads } from "../../schema/reads";
import type { CtyType } from "./cty";

/** How a nested attribute repeats. */
/** How a property-string attribute nests: one object, a list of them (an indexed field), or a map of them by slot (a device family). */
export type Nesting = "single" | "list" | "map";

/** One attribute of a block, with its full cty type (a nested attribute's type is implied by its attributes). */
export interface TfAttribute {
  readonly name: string;
  readonly type: CtyType;
  readonly nested?: { readonly nesting: Nesting; readonly attributes: readonly TfAttribute[] };
  readonly description: string;
  readonly required: boolean;
  readonly optional: boolean;
  readonly computed: boolean;
  readonly sensitive: boolean;
  /** Sent by the configuration and never stored (OpenTofu 1.11+, Terraform 1.11+). */
  readonly writeOnly: boolean;
}

/** A resource, data source or provider schema. */
export interface TfSchema {
  readonly version: number;
  readonly description: string;
  readonly attributes: readonly TfAttribute[];
}

/** Where a resource attribute's value lives on the engine's side. */
export type AttributeSource =
  | { readonly kind: "field"; readonly field: FieldDef }
  | { readonly kind: "output"; readonly sdkName: string; readonly type: "string" | "number" | "boolean" | "list" }
  | { readonly kind: "id" }
  | { readonly kind: "triggers" }
  /** `<secret>_version`: changing it sends the write-only secret again (its value is never stored). */
  | { readonly kind: "version"; readonly field: FieldDef };

export interface BoundAttribute {
  readonly attribute: TfAttribute;
  readonly source: AttributeSource;
}

/** A resource type served from one kind. */
export interface ResourceType {
  readonly typeName: string;
  readonly def: KindDefinition;
  readonly schema: TfSchema;
  readonly type: CtyType;
  readonly bound: readonly BoundAttribute[];
}

/** A data source served from one read function. */
export interface DataSourceType {
  readonly typeName: string;
  readonly spec: ReadDefinition;
  readonly schema: TfSchema;
  readonly type: CtyType;
  /** The arguments (PVE's parameters and the result's filters), by attribute name. */
  readonly args: ReadonlyMap<string, ReadArgument>;
}

/** The provider's name in `proxmox_*` and in `required_providers`. */
export const PROVIDER_NAME = "proxmox";

/**
 * The version of every resource schema. 1: write-only secrets are declared `write_only` (never in
 * state); states of version 0 may hold them and are cleaned by UpgradeResourceState.
 */
export const SCHEMA_VERSION = 1;

/** Type names of a block's attributes: the object type of the whole block. */
export function objectType(attributes: readonly TfAttribute[]): CtyType {
  return ["object", Object.fromEntries(attributes.map((a) => [a.name, a.type]))];
}

function scalar(type: FieldType): CtyType {
  if (type.kind === "number") return "number";
  if (type.kind === "boolean") return "bool";
  // Every PVE list compares without order (its codec sorts): a set is what Terraform users expect.
  if (type.kind === "list") return ["set", type.items ? scalar(type.items) : "string"];
  if (type.kind === "map") return ["map", "string"];
  return "string";
}

function attribute(
  name: string,
  type: CtyType,
  description: string,
  flags: Partial<Pick<TfAttribute, "required" | "optional" | "computed" | "sensitive" | "writeOnly">>,
  nested?: TfAttribute["nested"],
): TfAttribute {
  return {
    name,
    type,
    description,
    required: flags.required ?? false,
    optional: flags.optional ?? false,
    computed: flags.computed ?? false,
    sensitive: flags.sensitive ?? false,
    writeOnly: flags.writeOnly ?? false,
    ...(nested ? { nested } : {}),
  };
}

/** A secret PVE never returns: Terraform gets it from the configuration only. */
export function isWriteOnlySecret(field: FieldDef): boolean {
  return field.writeOnly && field.secret;
}

function fieldDescription(field: FieldDef): string {
  const notes = [field.doc];
  if (field.replaceOnChange) notes.push("Changing it replaces the resource.");
  if (isWriteOnlySecret(field)) notes.push(`Write-only: never stored in state; change \`${toSnake(field.sdkName)}_version\` to send a new value.`);
  else if (field.secret) notes.push("Sensitive.");
  return notes.join(" ");
}

function fieldAttribute(field: FieldDef): TfAttribute {
  const name = toSnake(field.sdkName);
  const description = fieldDescription(field);
  const wo = isWriteOnlySecret(field);
  // Optional settings PVE keeps (and reports) are also computed: an import or a value set by hand
  // is kept in state without a diff; the private state tells which ones the configuration manages.
  const flags = field.required
    ? { required: true, sensitive: field.secret, writeOnly: wo }
    : { optional: true, computed: !field.writeOnly, sensitive: field.secret, writeOnly: wo };
  // A list of property strings (a subnet's DHCP ranges) is a list of nested objects, like an indexed one.
  const listOfObjects = field.type.kind === "list" && field.type.items?.kind === "object";
  const type = field.type.kind === "list" && field.type.items?.kind === "object" ? field.type.items : field.type;
  if (type.kind === "object") {
    const subs = Object.entries(type.keys).map(([key, sub]) =>
      attribute(
        toSnake(key),
        scalar(sub.type),
        `\`${sub.pveName}\` of the \`${field.pveName}\` property string.`,
        sub.optional ? { optional: true } : { required: true },
      ),
    );
    const entry = objectType(subs);
    const repeated = field.indexed !== undefined || listOfObjects;
    const nesting: Nesting = field.slots ? "map" : repeated ? "list" : "single";
    return attribute(name, field.slots ? ["map", entry] : repeated ? ["list", entry] : entry, description, flags, { nesting, attributes: subs });
  }
  // A family of plain values (a VM's serial ports) is a map of them by slot.
  return attribute(name, field.slots ? ["map", scalar(type)] : field.indexed ? ["list", scalar(type)] : scalar(type), description, flags);
}

function outputType(type: "string" | "number" | "boolean" | "list"): CtyType {
  return type === "list" ? ["list", "string"] : type === "boolean" ? "bool" : type;
}

/** The Terraform resource type of a kind: its attributes, each bound to the field, output or id it carries. */
export function resourceType(def: KindDefinition): ResourceType {
  const bound: BoundAttribute[] = [];
  const add = (attribute: TfAttribute, source: AttributeSource): void => {
    if (bound.some((b) => b.attribute.name === attribute.name)) throw new Error(`${def.key}: two attributes named '${attribute.name}'`);
    bound.push({ attribute, source });
  };
  const idDoc =
    def.lifecycle === "action"
      ? "The UPID of the action's run."
      : `The import id, \`${def.identity.map((p) => `<${p}>`).join(def.idSeparator ?? "/") || (def.lifecycle === "singleton" ? (def.singletonId ?? def.key) : def.key)}\`.`;
  add(attribute("id", "string", idDoc, { computed: true }), { kind: "id" });
  for (const field of def.fieldList) {
    add(fieldAttribute(field), { kind: "field", field });
    if (isWriteOnlySecret(field)) {
      const name = `${toSnake(field.sdkName)}_version`;
      add(attribute(name, "string", `Any value; changing it sends \`${toSnake(field.sdkName)}\` to PVE again.`, { optional: true }), {
        kind: "version",
        field,
      });
    }
  }
  if (hasTriggers(def)) {
    const doc =
      def.lifecycle === "action"
        ? "Arbitrary values: when any of them changes, the action runs again."
        : "Arbitrary values: when any of them changes, the update runs again.";
    add(attribute("triggers", ["map", "string"], doc, { optional: true }), { kind: "triggers" });
  }
  for (const [sdkName, output] of Object.entries(def.outputs ?? {})) {
    add(attribute(toSnake(sdkName), outputType(output.type), output.doc, { computed: true, sensitive: output.secret === true }), {
      kind: "output",
      sdkName,
      type: output.type,
    });
  }
  const attributes = bound.map((b) => b.attribute);
  return {
    typeName: `${PROVIDER_NAME}_${def.namespace}_${toSnake(def.name)}`,
    def,
    schema: { version: SCHEMA_VERSION, description: def.description, attributes },
    type: objectType(attributes),
    bound,
  };
}

/**
 * The attribute name of a key in a read's result: snake_case of the SDK's camelCase, except for keys
 * that are data rather than names (a role's privileges, `Datastore.Allocate`), which stay as PVE has them.
 */
export function resultKey(pveKey: string): string {
  return /^[A-Za-z][A-Za-z0-9_-]*$/.test(pveKey) ? toSnake(toCamel(pveKey)) : pveKey;
}

type ReturnSchema = Partial<ApiParam> & { properties?: Record<string, ApiParam>; items?: unknown };

/**
 * The attribute names of a result object's indexed keys (`net[n]`, which PVE returns as `net0`,
 * `net1`, ...), by PVE key: a map by slot number named after the base, or `<base>_slots` when a
 * plain key already has that name (a VM's `numa` flag beside its `numa[n]` nodes).
 */
export function indexedResultAttributes(properties: Readonly<Record<string, unknown>>): ReadonlyMap<string, { base: string; name: string }> {
  const plain = new Set(
    Object.keys(properties)
      .filter((key) => !indexedParam(key))
      .map(resultKey),
  );
  const out = new Map<string, { base: string; name: string }>();
  for (const key of Object.keys(properties)) {
    const base = indexedParam(key)?.base;
    if (base === undefined) continue;
    const name = resultKey(base);
    out.set(key, { base, name: plain.has(name) ? `${name}_slots` : name });
  }
  return out;
}

/** The cty type of a read's result, from the official `returns` schema; free-form parts are `dynamic`. */
export function returnType(schema: ReturnSchema | undefined): CtyType {
  if (!schema) return "dynamic";
  if (schema.type === "array") return ["list", returnType(schema.items as ReturnSchema | undefined)];
  if (schema.properties && Object.keys(schema.properties).length > 0) {
    const indexed = indexedResultAttributes(schema.properties);
    return [
      "object",
      Object.fromEntries(
        Object.entries(schema.properties).map(([key, p]) => {
          const slots = indexed.get(key);
          return slots ? [slots.name, ["map", returnType(p)]] : [resultKey(key), returnType(p)];
        }),
      ),
    ];
  }
  if (schema.type === "object") return "dynamic";
  if (schema.type === "boolean") return "bool";
  if (schema.type === "integer" || schema.type === "number") return "number";
  if (schema.type === "string" || schema.enum) return "string";
  return "dynamic";
}

const ARG_TYPES: Readonly<Record<ReadArgumentType, CtyType>> = { string: "string", number: "number", boolean: "bool" };

function dataSourceType(spec: ReadDefinition): DataSourceType {
  const method = spec.method;
  // PVE's parameters and the result's filters alike, typed by `defineRead`.
  const args = new Map(spec.arguments.map((arg) => [toSnake(arg.sdkName), arg]));
  const returns = method.returns as ReturnSchema;
  const result = spec.firstItem ? returnType(returns.items as ReturnSchema | undefined) : returnType(returns);
  const attributes = [
    ...spec.arguments.map((arg) => attribute(toSnake(arg.sdkName), ARG_TYPES[arg.type], arg.doc, arg.optional ? { optional: true } : { required: true })),
    attribute("result", result, "What PVE returned, typed from its schema (keys in snake_case); secret fields are left out.", { computed: true }),
  ];
  const bare = spec.name.replace(/^get/, "");
  return {
    typeName: [PROVIDER_NAME, spec.namespace, toSnake(bare.charAt(0).toLowerCase() + bare.slice(1))].filter((p) => p !== "").join("_"),
    spec,
    schema: { version: 0, description: spec.description, attributes },
    type: objectType(attributes),
    args,
  };
}

/** The provider block's settings; the same names (snake_case) and environment fallbacks as the Pulumi config. */
export const PROVIDER_SETTINGS: ReadonlyArray<{ name: string; configKey: string; type: CtyType; sensitive: boolean; description: string }> = [
  { name: "endpoint", configKey: "endpoint", type: "string", sensitive: false, description: "`https://<node>:8006`. Default: `PROXMOX_VE_ENDPOINT`." },
  {
    name: "api_token",
    configKey: "apiToken",
    type: "string",
    sensitive: true,
    description: "`user@realm!tokenid=<uuid>` (recommended). Default: `PROXMOX_VE_API_TOKEN`.",
  },
  {
    name: "username",
    configKey: "username",
    type: "string",
    sensitive: false,
    description: "For ticket auth, e.g. `root@pam`. Default: `PROXMOX_VE_USERNAME`.",
  },
  { name: "password", configKey: "password", type: "string", sensitive: true, description: "For ticket auth. Default: `PROXMOX_VE_PASSWORD`." },
  {
    name: "otp",
    configKey: "otp",
    type: "string",
    sensitive: false,
    description: "A current TOTP code, when the user has a second factor. Default: `PROXMOX_VE_OTP`.",
  },
  {
    name: "totp_secret",
    configKey: "totpSecret",
    type: "string",
    sensitive: true,
    description: "The base32 TOTP secret: the client computes codes itself. Default: `PROXMOX_VE_TOTP_SECRET`.",
  },
  {
    name: "fingerprint",
    configKey: "fingerprint",
    type: "string",
    sensitive: false,
    description: "SHA-256 of the node certificate (`AA:BB:...`): pins a self-signed certificate. Default: `PROXMOX_VE_FINGERPRINT`.",
  },
  { name: "ca_cert", configKey: "caCert", type: "string", sensitive: false, description: "PEM bundle of a private CA. Default: `PROXMOX_VE_CA_CERT`." },
  {
    name: "insecure",
    configKey: "insecure",
    type: "bool",
    sensitive: false,
    description: "`true` skips TLS verification (only when asked). Default: `PROXMOX_VE_INSECURE`.",
  },
];

const providerAttributes = PROVIDER_SETTINGS.map((s) => attribute(s.name, s.type, s.description, { optional: true, sensitive: s.sensitive }));

/** The provider block's schema. */
export const providerSchema: TfSchema = {
  version: 0,
  description: "Proxmox VE, through the same definitions and engine as the @naas/pulumi-proxmox Pulumi provider.",
  attributes: providerAttributes,
};
export const providerType: CtyType = objectType(providerAttributes);

/** Every resource type, by name. */
export const resourceTypes: ReadonlyMap<string, ResourceType> = new Map(definitions.map(resourceType).map((r) => [r.typeName, r]));

/** Every data source, by name. */
export const dataSourceTypes: ReadonlyMap<string, DataSourceType> = new Map(reads.map(dataSourceType).map((d) => [d.typeName, d]));
