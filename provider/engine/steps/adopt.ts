/** Adopting an object that exists already (`adopt: true`): a create that takes it over and converges it. */
import type { CollectionDefinition } from "../../../schema/define";
import type { Props } from "../../../schema/props";
import type { EngineApi } from "../api";
import { changedFields } from "../diff";
import { formatId, identityOf } from "../identity";
import type { LifecycleOptions } from "../options";
import { collectionRules, refresh } from "./refresh";
import { updateInPlace } from "./update";

/**
 * Adopts the object the inputs name if it exists: returns what a create returns, or undefined when
 * there is nothing to adopt. A difference PVE cannot change in place (a create-only setting) is an
 * error naming the fields, and nothing is written.
 */
export async function adoptExisting(
  def: CollectionDefinition,
  api: EngineApi,
  inputs: Props,
  options: LifecycleOptions,
  converge: Converge = updateInPlace,
): Promise<{ id: string; outs: Props } | undefined> {
  const id = formatId(def, identityOf(def, inputs));
  const current = await refresh(def, api, id, inputs, collectionRules(def));
  if (!current.id) return undefined;
  // What PVE never returns (a password) is written, since nothing says it already matches.
  const known = Object.fromEntries(Object.entries(current.props).filter(([key]) => !def.fieldsBySdkName.get(key)?.writeOnly));
  const differing = changedFields(def, known, inputs);
  // A value that only steers the creation and is never read back (a clone source) is only recorded.
  const steering = (field: (typeof differing)[number]): boolean => field.writeOnly && !field.inUpdate;
  const fixed = differing.filter((field) => field.replaceOnChange && !steering(field));
  const converged = differing.filter((field) => !steering(field));
  if (fixed.length > 0) {
    const names = fixed.map((field) => `'${field.sdkName}'`).join(", ");
    throw new Error(
      `${def.namespace}.${def.name} '${id}' exists, and adopting it would change ${names}, which PVE cannot change in place: set the program to the existing value or remove the object first`,
    );
  }
  options.onLog?.(
    `adopting the existing ${def.namespace}.${def.name} '${id}'${converged.length > 0 ? `; converging ${converged.map((field) => field.sdkName).join(", ")}` : ""}`,
  );
  if (differing.length === 0) return { id: current.id, outs: current.props };
  const { outs } = await converge(def, api, known, inputs, options);
  return { id: current.id, outs };
}

/** How an adopted object is brought to the program: the kind's update (a guest's also migrates and powers it). */
export type Converge = (def: CollectionDefinition, api: EngineApi, olds: Props, news: Props, options: LifecycleOptions) => Promise<{ outs: Props }>;
