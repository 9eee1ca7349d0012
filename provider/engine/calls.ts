/** The parameters of one API call: identity values the call takes, encoded fields, constants. */
import type { SdkValue } from "../../schema/codecs";
import type { KindDefinition } from "../../schema/define";
import type { FieldDef } from "../../schema/fields";
import type { Identity, WireParams } from "../../schema/props";
import type { ApiCall } from "../../schema/spec";
import { toWire } from "./values";

/** Path parameters travel in the URL; everything else the official method accepts goes along. */
export function callParams(def: KindDefinition, call: ApiCall, identity: Identity, values: Iterable<[FieldDef, SdkValue]>): WireParams {
  const parameters = def.accepts(call);
  const accepts = (name: string): boolean => name in parameters && parameters[name]?.pathParam !== true;
  const params: WireParams = {};
  for (const [name, value] of Object.entries(identity)) if (accepts(name)) params[name] = value;
  for (const [name, from] of Object.entries(call.sameAs ?? {})) {
    const value = identity[from];
    if (value !== undefined) params[name] = value;
  }
  return { ...params, ...toWire(values, accepts), ...(call.extra ?? {}) };
}
