/**
 * Shared config-file semantics of PVE: SHA1 digests of the raw text, `assert_if_modified`,
 * `split_list`, and the section-config update rules (`delete_from_config`).
 */
import { createHash } from "node:crypto";
import { SimError } from "../types";
import type { SchemaParam } from "../core/schema";

/** A stored config value: PVE keeps validated scalars (0/1 booleans, numbers, strings). */
export type ConfigValue = string | number;
/** One config object (a section of a section-config file, or a key/value file). */
export type ConfigRecord = Record<string, ConfigValue>;

/** PVE's `die "...\n"`: HTTP 500 whose message keeps the trailing newline like the real body. */
export function pveDie(message: string): SimError {
  return new SimError(500, `${message}\n`);
}

/**
 * Perl's `die "text"` without a trailing newline: Perl appends where it died, so PVE's message
 * ends ` at /usr/share/perl5/<file> line <n>.` (`file` relative to perl5, e.g. `PVE/Network/SDN.pm`;
 * the line is the one in the source version the model follows).
 */
export function perlDie(message: string, file: string, line: number): SimError {
  return pveDie(`${message} at /usr/share/perl5/${file} line ${line}.`);
}

/** SHA1 hex of a config file's raw text, which is what PVE returns as `digest`. */
export function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** `PVE::Tools::assert_if_modified`: a given digest must equal the current one. */
export function assertDigest(current: string, given: unknown): void {
  if (typeof given === "string" && given !== "" && given !== current) {
    throw pveDie("detected modified configuration - file changed by other user? Try again.");
  }
}

/** pve-common `PVE/ParseUtils.pm::encode_text`: control and high-bit characters, ':' and '%' are escaped. */
export function encodeText(line: string): string {
  return [...Buffer.from(line, "utf8")]
    .map((b) => (b < 0x20 || b > 0x7e || b === 0x25 || b === 0x3a ? `%${b.toString(16).toUpperCase().padStart(2, "0")}` : String.fromCharCode(b)))
    .join("");
}

/** `PVE/ParseUtils.pm::decode_text`: URI-unescaping, then UTF-8. */
export function decodeText(text: string): string {
  return Buffer.from(
    text.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    "latin1",
  ).toString("utf8");
}

/** `PVE::Tools::split_list`: `delete=` and similar lists split on `,`, `;` or whitespace. */
export function splitList(value: unknown): string[] {
  if (typeof value !== "string") return [];
  return value.split(/[,;\s]+/).filter((part) => part !== "");
}

/** Picks the scalar params that are config keys (drops path params, `delete`, `digest` and `skip`). */
export function configParams(
  params: Readonly<Record<string, unknown>>,
  schema: Readonly<Record<string, SchemaParam>>,
  skip: readonly string[] = [],
): ConfigRecord {
  const out: ConfigRecord = {};
  for (const [key, value] of Object.entries(params)) {
    if (key === "delete" || key === "digest" || skip.includes(key) || schema[key]?.pathParam) continue;
    if (typeof value === "string" || typeof value === "number") out[key] = value;
    else if (Array.isArray(value)) out[key] = value.map(String).join(",");
  }
  return out;
}

/**
 * Applies `set` and the `delete` list to `target` with `delete_from_config`'s rules: the key must
 * be an option of the update schema, optional, and not also set. Deleting an unset key is a no-op.
 */
export function applyUpdate(target: ConfigRecord, set: ConfigRecord, deleteList: unknown, schema: Readonly<Record<string, SchemaParam>>): void {
  const toDelete = splitList(deleteList);
  for (const key of toDelete) {
    // `acmedomain3` is an option through the schema's indexed `acmedomain[n]`.
    const option = schema[key] ?? schema[key.replace(/\d+$/, "[n]")];
    if (!option || key === "delete" || key === "digest" || option.pathParam) throw pveDie(`no such option '${key}'`);
    if (!option.optional) throw pveDie(`unable to delete required option '${key}'`);
    if (key in set) throw pveDie(`cannot set and delete property '${key}' at the same time!`);
  }
  Object.assign(target, set);
  for (const key of toDelete) delete target[key];
}

/** The `key: value` text of a flat config (datacenter.cfg, node config, firewall options). */
export function keyValueText(record: Readonly<ConfigRecord>): string {
  return Object.keys(record)
    .sort()
    .map((key) => `${key}: ${record[key]}\n`)
    .join("");
}

/** Copies `record` without the keys in `hidden` (secrets PVE never returns). */
export function withoutKeys(record: Readonly<ConfigRecord>, hidden: readonly string[]): ConfigRecord {
  const out: ConfigRecord = {};
  for (const [key, value] of Object.entries(record)) if (!hidden.includes(key)) out[key] = value;
  return out;
}
