/**
 * The plain values every layer passes around: a resource's properties, its identity, the
 * parameters of a PVE call, and Pulumi's preview-time unknown. Definitions, their hooks and the
 * engine all use them, so they live below all three.
 */

/** The value Pulumi sends for an input that is not known yet (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A resource's properties by SDK name (inputs and outputs alike). */
export type Props = Record<string, unknown>;

/** The PVE parameters that name an object, by PVE name (they fill `{x}` in paths). */
export type Identity = Record<string, string>;

/** The parameters of one PVE call, as the form or JSON body carries them. */
export type WireParams = Record<string, string | number>;

/** The HTTP methods of PVE's API. */
export type PveMethod = "GET" | "POST" | "PUT" | "DELETE";

/** True when the value is, or contains, a preview-time unknown. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsUnknown);
  return false;
}

/** A field is set when the user gave it a value (null and undefined mean "not managed"). */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * Who requests are made as: PVE grants some settings to `root@pam` itself only (a VM's `args`, a
 * container's bind mounts), never to an API token, not even one of `root@pam`.
 */
export interface Caller {
  /** `user@realm`; for an API token, the user it belongs to. */
  readonly userid: string;
  /** The requests carry an API token. */
  readonly token: boolean;
}
