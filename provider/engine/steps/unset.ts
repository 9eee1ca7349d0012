/**
 * Unsetting what the program no longer sets: PVE's `delete` list where the call has one, a field's
 * own "not set" value, the schema default or an empty value; and the numbered keys an indexed
 * field leaves behind when it shrinks.
 */
import type { SdkValue } from "../../../schema/codecs";
import type { KindDefinition, ReadableDefinition } from "../../../schema/define";
import type { FieldDef } from "../../../schema/fields";
import { staleKeys } from "../../../schema/indexed";
import type { Identity, WireParams } from "../../../schema/props";
import type { ApiCall } from "../../../schema/spec";
import type { EngineApi } from "../api";
import { findRaw } from "./read-back";

/**
 * True when PVE's validator takes an empty string for `param`: no named format (or an `-opt` or
 * `-list` one), no minimum length and no pattern that refuses it.
 */
function acceptsEmpty(param: FieldDef["param"]): boolean {
  if (typeof param.format === "string" && !/-(opt|list)$/.test(param.format)) return false;
  if ((param.minLength ?? 0) > 0) return false;
  if (param.pattern === undefined) return true;
  try {
    return new RegExp(`^(?:${param.pattern})$`).test("");
  } catch {
    return false;
  }
}

/**
 * How to unset fields the program no longer sets: a field's own `unset` value where PVE's
 * `delete` refuses it; PVE's `delete` list where the call has one (`pve-configid-list`);
 * otherwise the schema default, or an empty string or list (the client sends those as JSON,
 * since a form cannot carry an empty value to PVE). A parameter whose format
 * refuses an empty value is left out: the calls that have such parameters without a `delete`
 * list (node DNS) rewrite the whole set, so what is not sent is gone. A field PVE cannot unset
 * is an error that says so, rather than a silent no-op.
 */
export function removalParams(def: KindDefinition, call: ApiCall, removed: readonly FieldDef[], stale: readonly string[] = []): WireParams {
  // Fields whose "not set" is a value (a token's privsep) are written, never deleted.
  const params: WireParams = {};
  for (const field of removed) if (field.unset !== undefined) params[field.pveName] = field.unset;
  const deletable = removed.filter((field) => field.unset === undefined);
  if (deletable.length === 0 && stale.length === 0) return params;
  const deleteParam = def.accepts(call)["delete"];
  if (deleteParam?.format === "pve-configid-list") return { ...params, delete: [...deletable.map((field) => field.pveName), ...stale].join(",") };
  if (stale.length > 0) throw new Error(`${def.namespace}.${def.name}: PVE cannot remove '${stale.join("', '")}' through this call`);
  for (const field of deletable) {
    const fallback = field.param.default;
    if (typeof fallback === "string" || typeof fallback === "number") params[field.pveName] = fallback;
    else if ((field.type.kind === "string" || field.type.kind === "list") && !acceptsEmpty(field.param)) continue;
    else if (field.type.kind === "string" || field.type.kind === "list") params[field.pveName] = "";
    else {
      throw new Error(`${def.namespace}.${def.name}: PVE cannot unset '${field.sdkName}'; set it to the value you want instead`);
    }
  }
  return params;
}

/**
 * The numbered keys of changed indexed fields (`acmedomain3`) that PVE holds beyond the entries
 * about to be written: they are deleted, so that a shorter array leaves nothing behind.
 */
export async function staleIndexedKeys(
  def: ReadableDefinition,
  api: EngineApi,
  identity: Identity,
  changed: readonly FieldDef[],
  values: ReadonlyMap<FieldDef, SdkValue>,
): Promise<string[]> {
  const indexed = changed.filter((field) => field.indexed && field.inUpdate);
  if (indexed.length === 0) return [];
  const raw = (await findRaw(def, api, identity)) ?? {};
  return indexed.flatMap((field) => {
    const value = values.get(field);
    return staleKeys(field, raw, value === undefined ? 0 : Array.isArray(value) ? value.length : 1);
  });
}
