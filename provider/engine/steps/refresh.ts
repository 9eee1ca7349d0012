/** Reading an existing object for a refresh or an import, for the kinds that can be read back. */
import type { CollectionDefinition, ReadableDefinition } from "../../../schema/define";
import { type Props, isSet } from "../../../schema/props";
import type { EngineApi } from "../api";
import { formatId, identityFor, identityOf } from "../identity";
import { type ReadResult, inputsOf } from "../lifecycles/contract";
import { fromWire } from "../values";
import { outputsFrom, readRaw } from "./read-back";

/** How a lifecycle tells an import by id alone, and an object replaced out of band. */
export interface RefreshRules {
  /** No recorded state and no program inputs: the import adopts every field PVE reports. */
  byIdAlone(props: Props): boolean;
  /** The object PVE has at the identity is another one than this resource made. */
  replaced?(raw: Readonly<Record<string, unknown>>, props: Props): boolean;
}

/** Reads the object; gone (or replaced) gives an empty id. */
export async function refresh(def: ReadableDefinition, api: EngineApi, id: string, props: Props, rules: RefreshRules): Promise<ReadResult> {
  const identity = identityFor(def, id, props);
  const raw = await readRaw(def, api, identity);
  if (!raw || rules.replaced?.(raw, props)) return { id: "", props: {} };
  const managed = rules.byIdAlone(props) ? { ...props, ...fromWire(def, raw, def.fieldList) } : props;
  const outs = outputsFrom(def, identity, raw, managed);
  return { id: formatId(def, identity), props: outs, inputs: inputsOf(def, outs) };
}

/** A pinned output's value as comparable text (a list's order does not matter). */
function pinText(value: unknown): string {
  return Array.isArray(value) ? value.map(String).sort().join(",") : String(value);
}

/**
 * A collection's object is imported by id alone when nothing names its identity; another object
 * took this one's place when its pinned output differs (a certificate replaced by hand).
 */
export function collectionRules(def: CollectionDefinition): RefreshRules {
  const pin = def.read.pin;
  const pinned = pin ? def.outputs?.[pin] : undefined;
  return {
    byIdAlone: (props) => Object.keys(identityOf(def, props)).length === 0,
    ...(pin && pinned ? { replaced: (raw, props) => isSet(props[pin]) && pinText(raw[pinned.pveName]) !== pinText(props[pin]) } : {}),
  };
}
