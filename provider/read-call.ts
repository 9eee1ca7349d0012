/**
 * The GET behind a read function, with SDK-named arguments filled into its path and query. Shared
 * by the Pulumi read functions (`provider/reads.ts`) and the Terraform data sources, which decode
 * the answer each their own way.
 */
import { booleanCodec, splitList } from "../schema/codecs";
import type { FieldDef } from "../schema/fields";
import { type ReadFilter, type ReadSpec, pathParamsOf } from "../schema/reads";
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

/** A filter's argument as given, or undefined when left out; throws when its value has the wrong type. */
function filterValue(qualifiedName: string, filter: ReadFilter, args: Readonly<Record<string, unknown>>): string | number | boolean | undefined {
  const value = args[filter.sdkName];
  if (value === undefined || value === null) return undefined;
  // PVE never sees a filter, so nothing else would refuse a mistyped one: it would keep no item.
  const [ok, wants] =
    filter.match === "flag"
      ? [typeof value === "boolean", "a boolean"]
      : filter.match === "tag"
        ? [typeof value === "string", "a string"]
        : [typeof value === "string" || (typeof value === "number" && Number.isFinite(value)), "a string or a number"];
  if (!ok) throw new Error(`${qualifiedName}: argument '${filter.sdkName}' takes ${wants}, not ${JSON.stringify(value)}`);
  return value as string | number | boolean;
}

/** Whether one item's `key` value (PVE's JSON) matches `wanted` the way `match` says. */
function itemMatches(match: ReadFilter["match"], have: unknown, wanted: string | number | boolean): boolean {
  switch (match) {
    case "flag":
      return (have === undefined || have === null ? false : booleanCodec.decode(have) === true) === wanted;
    case "tag":
      return splitList(have).includes(String(wanted));
    case "equals":
      // PVE's JSON may carry a number as a string: compare the texts.
      return have !== undefined && have !== null && String(have) === String(wanted);
  }
}

/** The items of `answer` that `itemsWhere` and the given filters keep; the answer itself when the read has neither. */
function keepMatching(qualifiedName: string, spec: ReadSpec, answer: unknown, wanted: ReadonlyArray<[ReadFilter, string | number | boolean]>): unknown {
  const fixed = Object.entries(spec.itemsWhere ?? {});
  if (fixed.length === 0 && wanted.length === 0) return answer;
  if (!Array.isArray(answer)) throw new Error(`${qualifiedName}: PVE answered ${typeof answer} where a list was expected`);
  return answer.filter((item: unknown) => {
    const entry = typeof item === "object" && item !== null ? (item as Record<string, unknown>) : {};
    return (
      fixed.every(([key, value]) => itemMatches("equals", entry[key], value)) &&
      wanted.every(([filter, value]) => itemMatches(filter.match, entry[filter.field], value))
    );
  });
}

/**
 * Runs `spec`'s GET with `args` (by SDK name) and returns PVE's raw answer. Arguments named in the
 * path fill its `{x}` (the engine's `fillPath`, as for kinds), the others go to the query; a
 * placeholder left without a value is an error naming it, never a request for a path with `{x}` in it.
 * A read with `itemsWhere` or `filters` returns only the items of PVE's list that they keep.
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
  // Checked before the GET: a mistyped filter fails without a request.
  const wanted = (spec.filters ?? []).flatMap((filter): Array<[ReadFilter, string | number | boolean]> => {
    const value = filterValue(qualifiedName, filter, args);
    return value === undefined ? [] : [[filter, value]];
  });
  let path: string;
  try {
    path = fillPath(spec.path, pathValues);
  } catch (error) {
    throw new Error(`${qualifiedName}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return keepMatching(qualifiedName, spec, await client.get(path, params), wanted);
}
