/**
 * The four operations Pulumi asks of every kind, dispatched once to the kind's lifecycle module:
 * `collection`, `singleton` or `action`. Each module is written against its own definition type,
 * so an option of one lifecycle cannot reach another's code.
 */
import type { KindDefinition } from "../../../schema/define";
import type { Props } from "../../../schema/props";
import type { EngineApi } from "../api";
import type { LifecycleOptions } from "../options";
import { action } from "./action";
import { collection } from "./collection";
import { guest } from "./guest";
import type { Lifecycle, ReadResult } from "./contract";
import { singleton } from "./singleton";

export type { ReadResult } from "./contract";

/** A kind with the lifecycle module that serves it, typed together. */
type Served = {
  [K in KindDefinition["lifecycle"]]: { def: Extract<KindDefinition, { lifecycle: K }>; lifecycle: Lifecycle<Extract<KindDefinition, { lifecycle: K }>> };
}[KindDefinition["lifecycle"]];

function served(def: KindDefinition): Served {
  switch (def.lifecycle) {
    case "collection":
      // A guest is a collection's object with a power state, a source and a node to migrate between.
      return { def, lifecycle: def.guest ? guest : collection };
    case "singleton":
      return { def, lifecycle: singleton };
    case "action":
      return { def, lifecycle: action };
  }
}

/** Creates the object (or, for a singleton, applies the given settings; for an action, runs it) and reads it back. */
export function create(def: KindDefinition, api: EngineApi, inputs: Props, options: LifecycleOptions = {}): Promise<{ id: string; outs: Props }> {
  const s = served(def);
  return (s.lifecycle as Lifecycle<typeof s.def>).create(s.def, api, inputs, options);
}

/**
 * Reads the object for refresh or import. `props` are the recorded outputs (refresh) or the
 * program's inputs (import): their fields are the ones this resource manages. Gone → empty id.
 */
export function read(def: KindDefinition, api: EngineApi, id: string, props: Props): Promise<ReadResult> {
  const s = served(def);
  return (s.lifecycle as Lifecycle<typeof s.def>).read(s.def, api, id, props);
}

/** Applies the changed inputs; removed fields are unset the way the update call allows. */
export function update(def: KindDefinition, api: EngineApi, olds: Props, news: Props, options: LifecycleOptions = {}): Promise<{ outs: Props }> {
  const s = served(def);
  return (s.lifecycle as Lifecycle<typeof s.def>).update(s.def, api, olds, news, options);
}

/** Deletes the object; one that is already gone counts as deleted. A singleton resets what it managed. */
export function remove(def: KindDefinition, api: EngineApi, id: string, olds: Props, options: LifecycleOptions = {}): Promise<void> {
  const s = served(def);
  return (s.lifecycle as Lifecycle<typeof s.def>).remove(s.def, api, id, olds, options);
}
