/** A kind's identity: which fields name the object, and how they become (and come back from) its id. */
import type { KindDefinition } from "../../schema/define";
import type { Identity, Props } from "../../schema/props";

export type { Identity } from "../../schema/props";

function separator(def: KindDefinition): string {
  return def.idSeparator ?? "/";
}

/**
 * One part of the identity: an input field, or an output PVE assigns at creation (a TFA entry's
 * generated id), which is always present once the object exists.
 */
function part(def: KindDefinition, pveName: string): { sdkName: string; required: boolean } | undefined {
  const field = def.fieldsByPveName.get(pveName);
  // A part PVE assigns when the program leaves it out (a VMID) is always there once the object exists.
  if (field) return { sdkName: field.sdkName, required: field.required || field.computed };
  const output = Object.entries(def.outputs ?? {}).find(([, o]) => o.pveName === pveName);
  return output ? { sdkName: output[0], required: true } : undefined;
}

/** Whether the identity names an object PVE ships (a collection's `builtinIds`, the `pam` realm). */
export function isBuiltin(def: KindDefinition, identity: Identity): boolean {
  return (def.lifecycle === "collection" && def.builtinIds?.includes(formatId(def, identity))) ?? false;
}

/** The identity values (by PVE name) from SDK-shaped props; absent optional parts are left out. */
export function identityOf(def: KindDefinition, props: Props): Identity {
  const identity: Identity = {};
  for (const pveName of def.identity) {
    const found = part(def, pveName);
    const value = found ? props[found.sdkName] : undefined;
    if (value !== undefined && value !== null && value !== "") identity[pveName] = String(value);
  }
  return identity;
}

/**
 * The Pulumi id: identity values joined in order. Optional identity parts (an ACL's user, group or
 * token) are written as `name=value`, so the id is unambiguous and can be parsed back for import.
 */
export function formatId(def: KindDefinition, identity: Identity): string {
  // A singleton per node (DNS, hosts, ...) is named by its identity; a cluster-wide one by a constant.
  if (def.lifecycle === "singleton" && def.identity.length === 0) return def.singletonId ?? def.key;
  const parts: string[] = [];
  for (const pveName of def.identity) {
    const value = identity[pveName];
    if (value === undefined) continue;
    parts.push(part(def, pveName)?.required ? value : `${pveName}=${value}`);
  }
  return parts.join(separator(def));
}

/** Parses an id made by {@link formatId}; a malformed id is a clear error naming the expected form. */
export function parseId(def: KindDefinition, id: string): Identity {
  if (def.lifecycle === "singleton" && def.identity.length === 0) return {};
  const expected = def.identity.map((pveName) => (part(def, pveName)?.required ? `<${pveName}>` : `[${pveName}=<value>]`)).join(separator(def));
  const required = def.identity.filter((pveName) => part(def, pveName)?.required);
  const parts = id.split(separator(def));
  const identity: Identity = {};
  // The last required part takes the rest, so values that contain the separator survive.
  const optionalParts = parts.filter((part, i) => i >= required.length && /^[a-z-]+=/.test(part));
  const requiredCount = parts.length - optionalParts.length;
  if (requiredCount < required.length) {
    throw new Error(`invalid ${def.namespace}.${def.name} id '${id}': expected ${expected}`);
  }
  required.forEach((pveName, i) => {
    identity[pveName] = i === required.length - 1 ? parts.slice(i, requiredCount).join(separator(def)) : (parts[i] as string);
  });
  for (const part of optionalParts) {
    const eq = part.indexOf("=");
    const key = part.slice(0, eq);
    if (!def.identity.includes(key)) throw new Error(`invalid ${def.namespace}.${def.name} id '${id}': expected ${expected}`);
    identity[key] = part.slice(eq + 1);
  }
  return identity;
}

/** Fills `{x}` in a path template from the identity. */
export function fillPath(template: string, identity: Identity): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = identity[name];
    if (value === undefined) throw new Error(`no value for '{${name}}' in ${template}`);
    return value;
  });
}

/** The SDK-shaped identity props, for a read by id (import). */
export function identityProps(def: KindDefinition, identity: Identity): Props {
  const props: Props = {};
  for (const [pveName, value] of Object.entries(identity)) {
    const found = part(def, pveName);
    // In the field's own type: a VMID is a number in state, as in the program.
    const field = def.fieldsByPveName.get(pveName);
    if (found) props[found.sdkName] = field?.type.kind === "number" ? Number(value) : value;
  }
  return props;
}

/**
 * The identity of an existing resource: the recorded (or, on import, the program's) identity
 * values, completed from the id where they lack a part PVE assigned (a TFA entry's id).
 */
export function identityFor(def: KindDefinition, id: string, props: Props): Identity {
  const recorded = identityOf(def, props);
  const complete = def.identity.every((pveName) => recorded[pveName] !== undefined || !part(def, pveName)?.required);
  if (complete && Object.keys(recorded).length > 0) return recorded;
  return { ...(id ? parseId(def, id) : {}), ...recorded };
}
