/**
 * The provider's schema as `tofu providers schema -json` prints it, made from our own model
 * without running a CLI or reaching a registry: the input of the CDKTF-style binding generator,
 * and a document users can feed to their own tools.
 */
import type { TfAttribute, TfSchema } from "./schema";
import { dataSourceTypes, providerSchema, resourceTypes } from "./schema";

/** The provider's full source address. */
export const PROVIDER_SOURCE = "registry.opentofu.org/naas/proxmox";

interface JsonAttribute {
  type?: unknown;
  nested_type?: { attributes: Record<string, JsonAttribute>; nesting_mode: "single" | "list" | "map" };
  description: string;
  description_kind: "markdown";
  required?: true;
  optional?: true;
  computed?: true;
  sensitive?: true;
  write_only?: true;
}

function jsonAttribute(attribute: TfAttribute): JsonAttribute {
  return {
    ...(attribute.nested
      ? {
          nested_type: {
            attributes: Object.fromEntries(attribute.nested.attributes.map((a) => [a.name, jsonAttribute(a)])),
            nesting_mode: attribute.nested.nesting,
          },
        }
      : { type: attribute.type }),
    description: attribute.description,
    description_kind: "markdown",
    ...(attribute.required ? { required: true as const } : {}),
    ...(attribute.optional ? { optional: true as const } : {}),
    ...(attribute.computed ? { computed: true as const } : {}),
    ...(attribute.sensitive ? { sensitive: true as const } : {}),
    ...(attribute.writeOnly ? { write_only: true as const } : {}),
  };
}

function jsonSchema(schema: TfSchema): {
  version: number;
  block: { attributes: Record<string, JsonAttribute>; description: string; description_kind: "markdown" };
} {
  return {
    version: schema.version,
    block: {
      attributes: Object.fromEntries(schema.attributes.map((a) => [a.name, jsonAttribute(a)])),
      description: schema.description,
      description_kind: "markdown",
    },
  };
}

/** The `providers schema -json` document of this provider. */
export function providersSchemaJson(): { format_version: string; provider_schemas: Record<string, unknown> } {
  return {
    format_version: "1.0",
    provider_schemas: {
      [PROVIDER_SOURCE]: {
        provider: jsonSchema(providerSchema),
        resource_schemas: Object.fromEntries([...resourceTypes].map(([name, rt]) => [name, jsonSchema(rt.schema)])),
        data_source_schemas: Object.fromEntries([...dataSourceTypes].map(([name, ds]) => [name, jsonSchema(ds.schema)])),
      },
    },
  };
}
