/**
 * The GET behind a read function, with SDK-named arguments filled into its path and query. Shared
 * by the Pulumi read functions (`provider/reads.ts`) and the Terraform data sources, which decode
 * the answer each their own way.
 */
import type { ReadSpec } from "../schema/reads";

/** The slice of the REST client a read needs. */
export interface ReadClient {
  get<T = unknown>(path: string, params?: Record<string, string | number | boolean>): Promise<T>;
}

/** Runs `spec`'s GET with `args` (by SDK name) and returns PVE's raw answer. */
export async function fetchRead(client: ReadClient, qualifiedName: string, spec: ReadSpec, args: Readonly<Record<string, unknown>>): Promise<unknown> {
  const params: Record<string, string | number | boolean> = { ...(spec.query ?? {}) };
  let path = spec.path;
  for (const arg of spec.args) {
    const value = args[arg.sdkName];
    if (value === undefined || value === null) {
      if (!arg.optional) throw new Error(`${qualifiedName}: argument '${arg.sdkName}' is required`);
      continue;
    }
    if (path.includes(`{${arg.pveName}}`)) path = path.replace(`{${arg.pveName}}`, String(value));
    else params[arg.pveName] = value as string | number | boolean;
  }
  return client.get(path, params);
}
