/**
 * pve-container's `$confdesc` (`src/PVE/LXC/Config.pm`), read from the vendored schema's
 * `GET /nodes/{node}/lxc/{vmid}/config` return properties plus the internal `parent` and
 * `snaptime` (which `json_config_properties` hides from the API but `option_exists` knows),
 * with the index ranges the compact schema folds into `name[n]`: `$MAX_MOUNT_POINTS` 256,
 * `$MAX_LXC_NETWORKS` 32, `$MAX_DEVICES` 256, `$MAX_UNUSED_DISKS` 256; and `check_type`, the
 * typing `parse_pct_config` gives each value read back.
 */
import type { SchemaParam } from "../../core/schema";
import { returnPropertiesOf } from "../../core/schema";
import type { SubKeys } from "../property-string";
import type { ConfigValue } from "../guests/config";
import { assertIndexRanges as assertRanges } from "../guests/params";

/** How many numbered keys each indexed option has. */
export const INDEXED: Readonly<Record<string, number>> = { mp: 256, net: 32, dev: 256, unused: 256 };

const INTERNAL: Readonly<Record<string, SchemaParam>> = {
  parent: { type: "string", optional: true, format: "pve-configid" },
  snaptime: { type: "integer", optional: true },
};

let confdesc: Readonly<Record<string, SchemaParam>> | undefined;

function table(): Readonly<Record<string, SchemaParam>> {
  if (!confdesc) {
    const { digest: _digest, lxc: _lxc, ...options } = returnPropertiesOf("GET", "/nodes/{node}/lxc/{vmid}/config");
    confdesc = { ...options, ...INTERNAL };
  }
  return confdesc;
}

/** The schema of one config key, honouring the index ranges; undefined when pve-container has no such option. */
export function optionSchema(key: string): SchemaParam | undefined {
  const m = /^([a-z]+?)(\d+)$/.exec(key);
  if (m?.[1] !== undefined && m[2] !== undefined && INDEXED[m[1]] !== undefined) {
    return Number(m[2]) < (INDEXED[m[1]] ?? 0) ? table()[`${m[1]}[n]`] : undefined;
  }
  return table()[key];
}

/** `option_exists`. */
export function optionExists(key: string): boolean {
  return optionSchema(key) !== undefined;
}

/** The property-string sub-keys of an option (`rootfs`, `mp0`, `net0`, `dev0`, `features`, `unused0`). */
export function subKeys(key: string): SubKeys {
  const format = optionSchema(key)?.format;
  return typeof format === "object" ? (format as SubKeys) : {};
}

/**
 * `check_type` as `parse_pct_config` applies it: booleans and integers become numbers, a number
 * (`cpulimit`) stays the text read from the file, strings stay strings.
 */
export function typedValue(key: string, value: ConfigValue): ConfigValue {
  const type = optionSchema(key)?.type;
  if (type === "boolean" || type === "integer") return Number(value);
  return String(value);
}

/** The numbered keys of a request beyond pve-container's ranges (`net32`, `mp256`). */
export function assertIndexRanges(params: Readonly<Record<string, unknown>>): void {
  assertRanges(params, INDEXED);
}
