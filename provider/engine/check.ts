/** `check`: validates inputs against the kind's fields (from the official schema), per field. */
import { type KindDefinition, TRIGGERS, hasTriggers, takesAdopt } from "../../schema/define";
import { ADOPT } from "./adopt";
import type { CheckFailure } from "../../schema/hooks";
import { hookApi, hookKit, hooksOf } from "./hook-kit";
import type { EngineApi } from "./api";
import { didYouMean } from "../../schema/nearest";
import { checkRules } from "./rules";
import { PROVIDER_KEY, type Props, containsUnknown, isSet } from "./values";

export interface CheckResult {
  inputs: Props;
  failures: CheckFailure[];
}

function issuePath(base: string, path: readonly PropertyKey[]): string {
  return [base, ...path.map(String)].join(".");
}

/** Validates known values; unknown values (preview) pass, since they are checked again at apply. */
export function check(def: KindDefinition, news: Props): CheckResult {
  const failures: CheckFailure[] = [];
  const takesTriggers = hasTriggers(def);
  for (const key of Object.keys(news)) {
    if (key === PROVIDER_KEY || def.fieldsBySdkName.has(key)) continue;
    if (takesTriggers && key === TRIGGERS) {
      const triggers = news[key];
      const valid = typeof triggers === "object" && triggers !== null && !Array.isArray(triggers);
      if (!valid && !containsUnknown(triggers))
        failures.push({
          property: key,
          reason:
            def.lifecycle === "action"
              ? "must be a map of values whose change reruns the action"
              : "must be a map of values whose change runs the update again",
        });
      continue;
    }
    if (takesAdopt(def) && key === ADOPT) {
      if (typeof news[key] !== "boolean" && !containsUnknown(news[key])) failures.push({ property: key, reason: "must be true or false" });
      continue;
    }
    // A misspelled key passed past TypeScript names the input it was probably meant to be.
    const hint = didYouMean(key, [...def.fieldsBySdkName.keys()]);
    failures.push({ property: key, reason: def.unsupported?.[key] ?? `${def.namespace}.${def.name} has no input '${key}'${hint}` });
  }
  for (const field of def.fieldList) {
    const value = news[field.sdkName];
    if (!isSet(value)) {
      if (field.required) failures.push({ property: field.sdkName, reason: "is required" });
      continue;
    }
    if (containsUnknown(value)) continue;
    const parsed = field.schema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        // A map key that fails (a device family's slot) says why in its own issues.
        const reason = issue.code === "invalid_key" ? issue.issues.map((inner) => inner.message).join("; ") : issue.message;
        failures.push({ property: issuePath(field.sdkName, issue.path), reason });
      }
    }
  }
  if (!containsUnknown(news)) failures.push(...checkRules(def, news));
  const hooks = hooksOf(def);
  if (hooks.check && !containsUnknown(news)) failures.push(...hooks.check(news, hookKit));
  return { inputs: news, failures };
}

/** True when the kind has checks that need the connected PVE (e.g. its version's privileges). */
export function hasRemoteCheck(def: KindDefinition): boolean {
  return hooksOf(def).checkRemote !== undefined;
}

/**
 * Checks that ask the connected PVE (run after {@link check} passed, so a preview fails before
 * anything is written). Fields whose values are unknown in preview are left to the apply.
 */
export async function checkRemote(def: KindDefinition, api: EngineApi, news: Props): Promise<CheckFailure[]> {
  const hook = hooksOf(def).checkRemote;
  if (!hook) return [];
  return hook(hookApi(api), news);
}
