/**
 * The singleton lifecycle: a config that always exists (a node's DNS, the datacenter options).
 * Create writes the given settings, delete resets the ones the resource managed.
 */
import type { SingletonDefinition } from "../../../schema/define";
import { callParams } from "../calls";
import { hookKit, hooksOf } from "../hook-kit";
import { identityFor, identityOf } from "../identity";
import { completeCreate } from "../steps/partial-create";
import { refresh } from "../steps/refresh";
import { resetManaged } from "../steps/removal";
import { removalParams, staleIndexedKeys } from "../steps/unset";
import { updateInPlace } from "../steps/update";
import { write } from "../steps/write";
import { fieldValues, isSet } from "../values";
import type { Lifecycle } from "./contract";

export const singleton: Lifecycle<SingletonDefinition> = {
  async create(def, api, inputs, options) {
    const identity = identityOf(def, inputs);
    const values = fieldValues(def, inputs);
    // Adopting the config: numbered keys beyond the given entries of an indexed field go.
    const stale = await staleIndexedKeys(def, api, identity, [...values.keys()], values);
    const params = { ...callParams(def, def.create, identity, values), ...removalParams(def, def.create, [], stale) };
    const hooks = hooksOf(def);
    await write(def, api, def.create, identity, hooks.beforeCreate ? hooks.beforeCreate(params, inputs, hookKit) : params, options);
    return completeCreate(def, api, inputs, async () => {});
  },

  // Importing by id alone (nothing recorded, no program inputs): adopt every field PVE reports.
  read: (def, api, id, props) => refresh(def, api, id, props, { byIdAlone: (given) => !def.fieldList.some((field) => isSet(given[field.sdkName])) }),

  update: (def, api, olds, news, options) => updateInPlace(def, api, olds, news, options),

  remove: (def, api, id, olds, options) => resetManaged(def, api, identityFor(def, id, olds), olds, options),
};
