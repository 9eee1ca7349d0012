/**
 * `adopt: true`: the way to bring an object that already exists on PVE under a stack. Pulumi's
 * `import` (the resource option and `pulumi import`) cannot reach a dynamic provider: the engine's
 * import Read carries only the id, without the serialized provider the Node.js host needs to load
 * any code (tests/cli/import.test.ts shows the real CLI's answer). With `adopt`, a create first
 * looks for its object: when it is there, the create takes it over and converges it to the program
 * (the fields the program sets are written where they differ) instead of failing on "already
 * exists". Without the object, it is an ordinary create. Once in the state, `adopt` changes nothing.
 */
import { takesAdopt, type KindDefinition } from "../../schema/define";
import type { EngineApi } from "./api";
import { changedFields } from "./diff";
import { formatId, identityOf } from "./identity";
import { read, update, type LifecycleOptions } from "./lifecycle";
import type { Props } from "./values";

/** The input that asks a create to adopt an existing object. */
export const ADOPT = "adopt";

/** Whether these inputs ask to adopt (the kind must take `adopt`). */
export function wantsAdopt(def: KindDefinition, inputs: Props): boolean {
  return takesAdopt(def) && inputs[ADOPT] === true;
}

/**
 * Adopts the object the inputs name if it exists: returns what a create returns, or undefined when
 * there is nothing to adopt. A difference PVE cannot change in place (a create-only setting) is an
 * error naming the fields, and nothing is written.
 */
export async function adoptExisting(def: KindDefinition, api: EngineApi, inputs: Props, options: LifecycleOptions): Promise<{ id: string; outs: Props } | undefined> {
  const id = formatId(def, identityOf(def, inputs));
  const current = await read(def, api, id, inputs);
  if (!current.id) return undefined;
  // What PVE never returns (a password) is written, since nothing says it already matches.
  const known = Object.fromEntries(Object.entries(current.props).filter(([key]) => !def.fieldsBySdkName.get(key)?.writeOnly));
  const differing = changedFields(def, known, inputs);
  const fixed = differing.filter((field) => field.replaceOnChange);
  if (fixed.length > 0) {
    const names = fixed.map((field) => `'${field.sdkName}'`).join(", ");
    throw new Error(`${def.namespace}.${def.name} '${id}' exists, and adopting it would change ${names}, which PVE cannot change in place: set the program to the existing value or remove the object first`);
  }
  options.onLog?.(`adopting the existing ${def.namespace}.${def.name} '${id}'${differing.length > 0 ? `; converging ${differing.map((field) => field.sdkName).join(", ")}` : ""}`);
  if (differing.length === 0) return { id: current.id, outs: current.props };
  const { outs } = await update(def, api, known, inputs, options);
  return { id: current.id, outs };
}
