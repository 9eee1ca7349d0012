/**
 * Declarative cross-field rules of a kind (`oneOf`, `variants`, and the schema's `requires`),
 * checked on known values. They say in data what a hook would otherwise say in code: "exactly one
 * of user, group or token", "`path` is a field of directory storages only", "an EAB key id needs
 * its HMAC key".
 */
import type { KindDefinition } from "../../schema/define";
import type { OneOf, Variants } from "../../schema/spec";
import type { CheckFailure } from "../../schema/hooks";
import { type Props, isSet } from "./values";

function sdkNameOf(def: KindDefinition, pveName: string): string {
  return def.fieldsByPveName.get(pveName)?.sdkName ?? pveName;
}

/** Joins names as prose: `a, b or c`. */
function either(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1] ?? ""}`;
}

function checkOneOf(def: KindDefinition, group: OneOf, news: Props): CheckFailure[] {
  const names = group.fields.map((f) => sdkNameOf(def, f));
  const given = names.filter((name) => isSet(news[name]));
  const quantifier = group.required ? "exactly one" : "at most one";
  if (given.length === 0 && group.required) return [{ property: names[0] ?? "", reason: `${quantifier} of ${either(names)} is required` }];
  if (given.length > 1) return [{ property: given[1] ?? "", reason: `${quantifier} of ${either(names)} is allowed, got ${given.join(" and ")}` }];
  return [];
}

function checkVariants(def: KindDefinition, variants: Variants, news: Props): CheckFailure[] {
  const typeName = sdkNameOf(def, variants.field);
  const type = news[typeName];
  if (typeof type !== "string") return [];
  const specific = new Set(Object.values(variants.accepts).flat());
  const accepted = new Set(variants.accepts[type] ?? []);
  const failures: CheckFailure[] = [];
  for (const field of def.fieldList) {
    if (!isSet(news[field.sdkName]) || !specific.has(field.pveName) || accepted.has(field.pveName)) continue;
    const users = Object.entries(variants.accepts)
      .filter(([, fields]) => fields.includes(field.pveName))
      .map(([t]) => `'${t}'`);
    failures.push({ property: field.sdkName, reason: `is not an option of ${typeName} '${type}' (only of ${either(users)})` });
  }
  for (const requirement of variants.requires?.[type] ?? []) {
    const names = requirement.split("|").map((pveName) => sdkNameOf(def, pveName));
    if (names.some((name) => isSet(news[name]))) continue;
    const what = names.length === 1 ? "is" : `(or ${either(names.slice(1))}) is`;
    failures.push({ property: names[0] ?? requirement, reason: `${what} required for ${typeName} '${type}'` });
  }
  return failures;
}

/** The schema's `requires`: a given field needs another one (PVE's validator refuses it alone). */
function checkRequires(def: KindDefinition, news: Props): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const field of def.fieldList) {
    const needed = field.param.requires ? def.fieldsByPveName.get(field.param.requires) : undefined;
    if (!needed || !isSet(news[field.sdkName]) || isSet(news[needed.sdkName])) continue;
    failures.push({ property: needed.sdkName, reason: `is required with ${field.sdkName}` });
  }
  return failures;
}

/** The failures of a kind's declarative rules. */
export function checkRules(def: KindDefinition, news: Props): CheckFailure[] {
  return [
    ...(def.oneOf ?? []).flatMap((group) => checkOneOf(def, group, news)),
    ...(def.variants ? checkVariants(def, def.variants, news) : []),
    ...checkRequires(def, news),
  ];
}
