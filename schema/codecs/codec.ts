/**
 * The values a codec converts and the interface the engine converts them with. The families
 * that implement it, with their validation, are declared in `families.ts`.
 */

/** A typed SDK value: what users write and what outputs hold. */
export type SdkValue = string | number | boolean | string[] | number[] | SdkObject | SdkObject[];

/** A property string as a typed object. */
export interface SdkObject {
  [key: string]: SdkValue;
}

/** Converts one parameter between its SDK value and PVE's wire form. */
export interface Codec {
  /** SDK value → form value PVE accepts (0/1 booleans, joined lists, property strings). */
  encode(value: SdkValue): string | number;
  /** A value as PVE returns it (numbers as strings, lists as strings or arrays, ...) → SDK value. */
  decode(wire: unknown): SdkValue | undefined;
  /** True when PVE treats the two SDK values as the same. */
  equal(a: SdkValue, b: SdkValue): boolean;
}
