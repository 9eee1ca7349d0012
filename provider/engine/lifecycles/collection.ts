/**
 * The collection lifecycle: an object that is created, read, updated and deleted (a user, a zone,
 * a firewall rule). Built-in objects (the `pam` realm) are adopted by create and reset by delete.
 */
import type { SdkValue } from "../../../schema/codecs";
import type { CollectionDefinition } from "../../../schema/define";
import type { FieldDef } from "../../../schema/fields";
import type { Identity } from "../../../schema/props";
import { wantsAdopt } from "../adopt";
import type { EngineApi } from "../api";
import { callParams } from "../calls";
import { hookKit, hooksOf } from "../hook-kit";
import { formatId, identityFor, identityOf, isBuiltin } from "../identity";
import { type LifecycleOptions, label } from "../options";
import { adoptExisting } from "../steps/adopt";
import { afterFailedWrite, completeCreate, createOutputs } from "../steps/partial-create";
import { findRaw } from "../steps/read-back";
import { collectionRules, refresh } from "../steps/refresh";
import { removeObject, resetManaged } from "../steps/removal";
import { updateInPlace } from "../steps/update";
import { write } from "../steps/write";
import { fieldValues } from "../values";
import type { Lifecycle } from "./contract";

/** Fields only the update call carries (a TFA entry's `enable`) are written right after the create. */
async function applyUpdateOnly(
  def: CollectionDefinition,
  api: EngineApi,
  identity: Identity,
  values: ReadonlyMap<FieldDef, SdkValue>,
  options: LifecycleOptions,
): Promise<void> {
  const later = [...values].filter(([field]) => !field.inCreate && field.inUpdate);
  if (!def.update || later.length === 0) return;
  await write(def, api, def.update, identity, callParams(def, def.update, identity, later), options);
}

export const collection: Lifecycle<CollectionDefinition> = {
  async create(def, api, inputs, options) {
    const given = identityOf(def, inputs);
    const all = fieldValues(def, inputs);
    if (isBuiltin(def, given) && def.update) {
      // A built-in object exists already: adopting it is writing the given settings.
      await write(def, api, def.update, given, callParams(def, def.update, given, all), options);
      // The update call carried every field: nothing is left for a follow-up write.
      return completeCreate(def, api, inputs, async () => {});
    }
    const params = callParams(
      def,
      def.create,
      given,
      [...all].filter(([field]) => field.inCreate),
    );
    // `adopt: true`: an object already there is taken over and converged instead of refused.
    if (wantsAdopt(def, inputs)) {
      const adopted = await adoptExisting(def, api, inputs, options);
      if (adopted) return adopted;
    }
    if (def.read.unique && (await findRaw(def, api, given))) {
      throw new Error(`${label(def, formatId(def, given))} already exists: adopt it (set \`adopt: true\`) or choose another identity`);
    }
    const hooks = hooksOf(def);
    const createParams = hooks.beforeCreate ? hooks.beforeCreate(params, inputs, hookKit) : params;
    let response: unknown;
    try {
      response = await write(def, api, def.create, given, createParams, options);
    } catch (error) {
      throw await afterFailedWrite(def, api, inputs, createParams, error, options);
    }
    return completeCreate(def, api, { ...inputs, ...createOutputs(def, response) }, (identity) => applyUpdateOnly(def, api, identity, all, options));
  },

  read: (def, api, id, props) => refresh(def, api, id, props, collectionRules(def)),

  update: (def, api, olds, news, options) => updateInPlace(def, api, olds, news, options),

  async remove(def, api, id, olds, options) {
    // An object PVE cannot remove is forgotten; the kind's description says so.
    if (def.forgetOnDelete) return;
    const identity = identityFor(def, id, olds);
    if (isBuiltin(def, identity)) return resetManaged(def, api, identity, olds, options);
    return removeObject(def, api, id, identity, olds, options);
  },
};
