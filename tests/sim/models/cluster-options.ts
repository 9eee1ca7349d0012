/** `/cluster/options`: datacenter.cfg, whose property-string options GET returns parsed. */
import type { SimContext } from "../types";
import type { ConfigRecord } from "./config-text";
import { FlatConfig } from "./flat-config";
import { registerSingleton, type Register } from "./generic-store";
import { parametersOf } from "./schema";
import { parsePropertyString, subKeysOf } from "./property-string";
import { simService } from "./services";

const TEMPLATE = "/cluster/options";

/** datacenter.cfg of one simulator, as PUT wrote it (guests read `mac_prefix`, `next-id`, tag options). */
export const datacenterConfigOf = simService<FlatConfig>("datacenter.cfg", () => new FlatConfig({ keyboard: "en-us" }));

/** One datacenter.cfg option parsed like `parse_datacenter_config` (property strings as objects). */
export function datacenterOption(ctx: SimContext, key: string): unknown {
  const value = datacenterConfigOf(ctx).record()[key];
  const format = subKeysOf(parametersOf("PUT", TEMPLATE)[key]);
  return format && typeof value === "string" ? parsePropertyString(value, format) : value;
}

/** Registers GET/PUT `/cluster/options` over one datacenter.cfg (no digest: PVE's PUT has none). */
export function installClusterOptions(register: Register, ctx: SimContext): void {
  const schema = parametersOf("PUT", TEMPLATE);
  // PUT stores the strings as written; GET parses them like `parse_datacenter_config`.
  const view = (raw: ConfigRecord): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      const format = subKeysOf(schema[key]);
      out[key] = format && typeof value === "string" ? parsePropertyString(value, format) : value;
    }
    return out;
  };
  registerSingleton(register, ctx, {
    template: TEMPLATE,
    config: datacenterConfigOf(ctx),
    lockId: "file-datacenter_cfg",
    view,
  });
}
