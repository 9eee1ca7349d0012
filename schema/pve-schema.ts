/**
 * Typed access to the vendored official PVE API schema (`schema/pve-api/schema.json`, PVE 9.2).
 * It is facts only: names, types and constraints of every parameter of every method.
 */
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";

export type ApiHttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/** One sub-key of a property-string format (`key=value,...`). */
export interface ApiPropertyKey {
  type: "string" | "integer" | "number" | "boolean";
  optional?: boolean;
  enum?: string[];
  default?: unknown;
  default_key?: number | boolean;
  alias?: string;
  keyAlias?: string;
  minimum?: number | string;
  maximum?: number | string;
  maxLength?: number;
  pattern?: string;
  format?: string;
}

/** One parameter of an API method. `format` is a named format, or the sub-keys of a property string. */
export interface ApiParam {
  type: "string" | "integer" | "number" | "boolean" | "array" | "object" | "null";
  optional?: boolean;
  pathParam?: boolean;
  enum?: string[];
  default?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  requires?: string;
  typetext?: string;
  format?: string | Record<string, ApiPropertyKey>;
  items?: unknown;
}

/** The facts of one path + method. */
export interface ApiMethod {
  name: string;
  parameters: Record<string, ApiParam>;
  additionalParameters?: boolean;
  returns: { type?: string; properties?: Record<string, ApiParam>; items?: unknown };
  protected?: boolean;
  proxyto?: string;
  allowtoken?: boolean;
}

interface SchemaFile {
  format: string;
  paths: Record<string, Partial<Record<ApiHttpMethod, ApiMethod>>>;
}

let loaded: SchemaFile | undefined;

/** The schema file, loaded once per process (it ships in the package next to `dist/`). */
export function apiSchema(): SchemaFile {
  if (!loaded) {
    // Compiled: <pkg>/dist/schema/pve-schema.js; from source: <pkg>/schema/pve-schema.ts.
    const parent = join(__dirname, "..");
    const root = basename(parent) === "dist" ? join(parent, "..") : parent;
    loaded = JSON.parse(readFileSync(join(root, "schema", "pve-api", "schema.json"), "utf8")) as SchemaFile;
  }
  return loaded;
}

/** The official facts of `method path`, or undefined when PVE 9.2 has no such method. */
export function apiMethod(method: ApiHttpMethod, path: string): ApiMethod | undefined {
  return apiSchema().paths[path]?.[method];
}

/** Like {@link apiMethod}, but a missing method is a programming error in a definition. */
export function requireApiMethod(method: ApiHttpMethod, path: string): ApiMethod {
  const found = apiMethod(method, path);
  if (!found) throw new Error(`PVE 9.2 has no API method ${method} ${path}`);
  return found;
}

/** True when the parameter is a property string (`k=v,...`) with known sub-keys. */
export function isPropertyString(param: ApiParam): param is ApiParam & { format: Record<string, ApiPropertyKey> } {
  return typeof param.format === "object" && param.format !== null;
}

/** True when PVE expects a joined list (`-list` formats, or a string whose typetext says so). */
export function isListFormat(param: ApiParam): boolean {
  return typeof param.format === "string" && param.format.endsWith("-list");
}
