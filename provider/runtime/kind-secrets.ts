/**
 * The secrets of one resource operation: the values of its kind's secret fields and outputs,
 * as the program gave them and as they go on the wire. Every request of the operation, and the
 * log of every task it starts, is redacted of them (and of their derived forms, see the client's
 * `secretForms`), whatever the parameter is called.
 */
import type { ProxmoxClient } from "../client";
import { isUpid } from "../client";
import { secretParamValues } from "../client/redact";
import type { KindDefinition } from "../../schema/define";
import type { EngineApi, Props } from "../engine";
import { isSet, toWire } from "../engine/values";
import type { SdkValue } from "../../schema/codecs";

function strings(value: unknown, into: Set<string>): void {
  if (typeof value === "string") into.add(value);
  else if (typeof value === "number") into.add(String(value));
  else if (Array.isArray(value)) value.forEach((item) => strings(item, into));
  else if (typeof value === "object" && value !== null) Object.values(value).forEach((item) => strings(item, into));
}

/** The secret values in any of `props`: each given value (every string inside it) and its wire form. */
export function secretValues(def: KindDefinition, ...props: ReadonlyArray<Props | undefined>): string[] {
  const found = new Set<string>();
  for (const values of props) {
    if (!values) continue;
    for (const field of def.fieldList) {
      const value = values[field.sdkName];
      if (!field.secret || !isSet(value)) continue;
      strings(value, found);
      // The wire form: a property string, PVE's base64 of `KEY=value` lines, numbered keys.
      try {
        strings(
          toWire([[field, value as SdkValue]], () => true),
          found,
        );
      } catch {
        // A value the codec cannot encode is refused by check; its given form is covered above.
      }
    }
    for (const [name, output] of Object.entries(def.outputs ?? {})) {
      if (output.secret && isSet(values[name])) strings(values[name], found);
    }
  }
  return [...found];
}

/**
 * The client as the engine sees it, with `secrets` redacted from every request's errors and
 * every task's log. A task's log is also redacted of the secret parameters of the call that
 * started it, as the client recognizes them by name and path (TFA's computed one-time `value`).
 */
export function redactingApi(client: ProxmoxClient, secrets: readonly string[]): EngineApi {
  const started = new Map<string, string[]>();
  return {
    async request(method, path, params) {
      const result = await client.request(method, path, params, { secrets });
      if (isUpid(result)) started.set(result, secretParamValues(params, path));
      return result as never;
    },
    waitForTask: (upid, options) => client.waitForTask(upid, { ...options, secrets: [...(options?.secrets ?? []), ...secrets, ...(started.get(upid) ?? [])] }),
  };
}
