/**
 * Read-only access to the vendored PVE API schema, for the facts models need at runtime
 * (which keys an update accepts, which are optional, enums such as storage or zone types).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { HttpMethod } from "../types";

/** One parameter's facts, as schema.json records them (only the fields models read). */
export interface ParamSchema {
  readonly type?: string;
  readonly optional?: boolean;
  readonly pathParam?: boolean;
  readonly enum?: readonly (string | number)[];
  readonly format?: string | Readonly<Record<string, unknown>>;
  readonly default?: unknown;
  /** Property-string sub-keys: the key written without `name=`, and key aliases (`virtio=MAC`). */
  readonly default_key?: number | boolean;
  readonly alias?: string;
  readonly keyAlias?: string;
}

interface MethodSchema {
  readonly parameters?: Readonly<Record<string, ParamSchema>>;
  readonly returns?: { readonly properties?: Readonly<Record<string, ParamSchema>> };
}

interface SchemaFile {
  readonly paths: Readonly<Record<string, Partial<Record<HttpMethod, MethodSchema>>>>;
}

let cached: SchemaFile | undefined;

function schemaFile(): SchemaFile {
  // Loaded lazily once: the file is ~700 KB and only the models that need it pay for it.
  cached ??= JSON.parse(readFileSync(join(__dirname, "../../../schema/pve-api/schema.json"), "utf8")) as SchemaFile;
  return cached;
}

/** The parameters of `method template`; throws if the schema lacks it (a bug in the model). */
export function parametersOf(method: HttpMethod, template: string): Readonly<Record<string, ParamSchema>> {
  const entry = schemaFile().paths[template]?.[method];
  if (!entry) throw new Error(`schema has no ${method} ${template}`);
  return entry.parameters ?? {};
}

/** The enum of one parameter, as strings. */
export function enumOf(method: HttpMethod, template: string, param: string): string[] {
  return (parametersOf(method, template)[param]?.enum ?? []).map(String);
}

/** The properties of the object `method template` returns (empty when it returns no object). */
export function returnPropertiesOf(method: HttpMethod, template: string): Readonly<Record<string, ParamSchema>> {
  const entry = schemaFile().paths[template]?.[method];
  if (!entry) throw new Error(`schema has no ${method} ${template}`);
  return entry.returns?.properties ?? {};
}
