/**
 * Codecs between PVE's wire values and the typed values of the SDK. Each codec family is declared
 * once in `families.ts`, with its validation; `field-shape.ts` picks a field's family from the
 * official schema's `type` and `format` and a definition's override. A codec is a pair of pure
 * functions plus an equality that knows which differences PVE does not care about (list order
 * for sets, 1 vs "1" vs true).
 */
import type { ApiPropertyKey } from "../pve-schema";
import type { Codec } from "./codec";
import {
  base64KeyValueFamily,
  booleanFamily,
  commentLinesFamily,
  listFamily,
  numberFamily,
  pemChainFamily,
  propertyStringFamily,
  spaceListFamily,
  stringFamily,
} from "./families";

export type { Codec, SdkObject, SdkValue } from "./codec";
export type { CodecFamily, EntryShape, FamilyDeclaration, ScalarFacts } from "./families";
export {
  base64KeyValueFamily,
  booleanFamily,
  commentLinesFamily,
  declareFamily,
  flagFamily,
  isFlagInteger,
  listFamily,
  numberFamily,
  pemChainFamily,
  propertyStringFamily,
  propertyStringListFamily,
  scalarFamily,
  spaceListFamily,
  splitList,
  stringFamily,
  vmidListFamily,
} from "./families";
export type { FieldContainer, FieldShape } from "./field-shape";
export { entryShape, fieldShape, refusingUrlPasswords } from "./field-shape";

/** Booleans: PVE wants 0/1; it returns 0/1, "0"/"1", or (in property strings) on/yes/true. */
export const booleanCodec: Codec = booleanFamily.codec;

/** Numbers: PVE's JSON sometimes carries them as strings (`"2048"`). */
export const numberCodec: Codec = numberFamily.codec;

/** Plain strings. */
export const stringCodec: Codec = stringFamily.codec;

/** `-list` formats: arrays in the SDK, joined with commas on the wire; order does not matter to PVE. */
export const listCodec: Codec = listFamily.codec;

/** A list PVE copies into a config line as sent (a bridge's `bridge_vids`): joined with spaces, which every reader splits. */
export const spaceListCodec: Codec = spaceListFamily.codec;

/** A PEM certificate chain: two chains are the same when their leaf certificates are. */
export const pemChainCodec: Codec = pemChainFamily.codec;

/** `KEY=value` lines, base64-encoded on the wire (an ACME DNS plugin's `data`); a map of strings in the SDK. */
export const base64KeyValueCodec: Codec = base64KeyValueFamily.codec;

/** A description kept as `#` comment lines of a config file: PVE's newline after the last line is no difference. */
export const commentLinesCodec: Codec = commentLinesFamily.codec;

/** The codec of a property string with these sub-keys (see {@link propertyStringFamily}). */
export function propertyStringCodec(keys: Record<string, ApiPropertyKey>): Codec {
  return propertyStringFamily(keys).codec;
}
