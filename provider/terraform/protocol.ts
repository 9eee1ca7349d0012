/**
 * The gRPC services of the plugin: Terraform's `tfplugin6.Provider` (our subset of protocol 6),
 * go-plugin's controller and the standard health service, loaded from this package's own
 * `.proto` files. Also the one place that renders our schema model as protocol messages.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ServiceDefinition } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import type { TfAttribute, TfSchema } from "./schema";

/** `provider/terraform/proto`, from source (`provider/terraform`) or compiled (`dist/provider/terraform`). */
function protoDir(): string {
  for (const dir of [join(__dirname, "proto"), join(__dirname, "..", "..", "..", "provider", "terraform", "proto")]) {
    if (existsSync(join(dir, "tfplugin6.proto"))) return dir;
  }
  throw new Error(`the provider's .proto files are missing next to ${__dirname}`);
}

function service(file: string, path: readonly string[]): ServiceDefinition {
  const definition = loadSync(join(protoDir(), file), { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
  const name = path.join(".");
  const found = definition[name];
  if (!found || "format" in found) throw new Error(`${file} has no service ${name}`);
  return found as unknown as ServiceDefinition;
}

/** `tfplugin6.Provider`. */
export const providerService = service("tfplugin6.proto", ["tfplugin6", "Provider"]);
/** `plugin.GRPCController` (Shutdown). */
export const controllerService = service("go-plugin.proto", ["plugin", "GRPCController"]);
/** `grpc.health.v1.Health` (Check). */
export const healthService = service("health.proto", ["grpc", "health", "v1", "Health"]);

/** `Schema.Attribute` as proto-loader takes it (keepCase field names). */
export interface WireAttribute {
  name: string;
  type: Buffer;
  description: string;
  description_kind: "MARKDOWN";
  required: boolean;
  optional: boolean;
  computed: boolean;
  sensitive: boolean;
  write_only: boolean;
  nested_type?: { attributes: WireAttribute[]; nesting: "SINGLE" | "LIST" | "MAP" };
}

/** `Schema` as proto-loader takes it. */
export interface WireSchema {
  version: number;
  block: { version: number; attributes: WireAttribute[]; block_types: never[]; description: string; description_kind: "MARKDOWN"; deprecated: boolean };
}

function wireAttribute(attribute: TfAttribute): WireAttribute {
  const base = {
    name: attribute.name,
    description: attribute.description,
    description_kind: "MARKDOWN" as const,
    required: attribute.required,
    optional: attribute.optional,
    computed: attribute.computed,
    sensitive: attribute.sensitive,
    write_only: attribute.writeOnly,
  };
  if (attribute.nested) {
    // A nested attribute's type is implied by its attributes: the type field stays empty.
    const nesting = attribute.nested.nesting === "list" ? "LIST" : attribute.nested.nesting === "map" ? "MAP" : "SINGLE";
    return { ...base, type: Buffer.alloc(0), nested_type: { attributes: attribute.nested.attributes.map(wireAttribute), nesting } };
  }
  return { ...base, type: Buffer.from(JSON.stringify(attribute.type)) };
}

/** Our schema as the `Schema` message. */
export function wireSchema(schema: TfSchema): WireSchema {
  return {
    version: schema.version,
    block: {
      version: schema.version,
      attributes: schema.attributes.map(wireAttribute),
      block_types: [],
      description: schema.description,
      description_kind: "MARKDOWN",
      deprecated: false,
    },
  };
}
