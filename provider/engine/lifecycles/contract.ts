/** What every lifecycle module implements: the four operations Pulumi asks of a kind. */
import { type KindDefinition, TRIGGERS, hasTriggers } from "../../../schema/define";
import type { Props } from "../../../schema/props";
import type { EngineApi } from "../api";
import type { LifecycleOptions } from "../options";

/** What a refresh or import reads: the id (empty when gone), the outputs, and the inputs as read back. */
export interface ReadResult {
  id: string;
  props: Props;
  /**
   * The managed inputs as PVE has them now (write-only values and `triggers` as recorded): a
   * refresh records them, so that a hand-made change kept by `ignoreChanges` is not written
   * back, and an import takes them as the resource's inputs.
   */
  inputs?: Props;
}

/** One lifecycle (collection, singleton, action) for the kinds of its type. */
export interface Lifecycle<D extends KindDefinition> {
  /** Creates the object (a singleton: applies the given settings; an action: runs it) and reads it back. */
  create(def: D, api: EngineApi, inputs: Props, options: LifecycleOptions): Promise<{ id: string; outs: Props }>;
  /**
   * Reads the object for refresh or import. `props` are the recorded outputs (refresh) or the
   * program's inputs (import): their fields are the ones this resource manages. Gone → empty id.
   */
  read(def: D, api: EngineApi, id: string, props: Props): Promise<ReadResult>;
  /** Applies the changed inputs. */
  update(def: D, api: EngineApi, olds: Props, news: Props, options: LifecycleOptions): Promise<{ outs: Props }>;
  /** Deletes the object (a singleton: resets what it managed; an action: forgets it). */
  remove(def: D, api: EngineApi, id: string, olds: Props, options: LifecycleOptions): Promise<void>;
}

/** The inputs among a resource's properties: its fields and `triggers`, not its outputs. */
export function inputsOf(def: KindDefinition, props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([key]) => def.fieldsBySdkName.has(key) || (key === TRIGGERS && hasTriggers(def))));
}
