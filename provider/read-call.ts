/**
 * The GET behind a read function, with SDK-named arguments filled into its path and query. Shared
 * by the Pulumi read functions (`provider/reads.ts`) and the Terraform data sources, which decode
 * the answer each their own way.
 */
import type { FieldDef } from "../schema/fields";
import { type ReadSpec, pathParamsOf } from "../schema/reads";
import { type Identity, fillPath } from "./engine/identity";

/**
 * Which keys of a read's answer hold a secret field's value (`fields`), with keys named by
 * `nameOf` (PVE's own names, or the SDK's camelCase): the field's name, or an indexed field's
 * base with its number (`acmedomain3`).
 */
export function secretKeyMatcher(fields: readonly FieldDef[], nameOf: (pveName: string) => string = (name) => name): (key: string) => boolean {
  const names = fields.map((field) => ({ name: nameOf(field.indexed ? field.indexed.base : field.pveName), indexed: field.indexed !== undefined }));
  return (key) => names.some(({ name, indexed }) => key === name || (indexed && new RegExp(`^${name}\\d+$`).test(key)));
}

/** The slice of the REST client a read needs. */
export interface ReadClient {
  get<T = unknown>(path: string, params?: Record<string, string | number | boolean>): Promise<T>;
}

/**
 * Runs `spec`'s GET with `args` (by SDK name) and returns PVE's raw answer. Arguments named in the
 * path fill its `{x}` (the engine's `fillPath`, as for kinds), the others go to the query; a
 * placeholder left without a value is an error naming it, never a request for a path with `{x}` in it.
 */
export async function fetchRead(client: ReadClient, qualifiedName: string, spec: ReadSpec, args: Readonly<Record<string, unknown>>): Promise<unknown> {
  const params: Record<string, string | number | boolean> = { ...(spec.query ?? {}) };
  const inPath = new Set(pathParamsOf(spec.path));
  const pathValues: Identity = {};
  for (const arg of spec.args) {
    const value = args[arg.sdkName];
    if (value === undefined || value === null) {
      if (!arg.optional) throw new Error(`${qualifiedName}: argument '${arg.sdkName}' is required`);
      continue;
    }
    if (inPath.has(arg.pveName)) pathValues[arg.pveName] = String(value);
    else params[arg.pveName] = value as string | number | boolean;
  }
  let path: string;
  try {
    path = fillPath(spec.path, pathValues);
  } catch (error) {
    throw new Error(`${qualifiedName}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return client.get(path, params);
}
