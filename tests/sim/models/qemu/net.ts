/**
 * Network devices (qemu-server `src/PVE/QemuServer/Network.pm` `parse_net`, `print_net`,
 * `add_random_macs`; pve-common `PVE::Tools::random_ether_addr`): a NIC without a MAC gets a
 * random unicast, locally administered one with datacenter.cfg's `mac_prefix`, and the string is
 * reprinted canonically (`virtio=BC:24:11:...,bridge=vmbr0,firewall=1`).
 */
import type { SimContext } from "../../types";
import { randomDatacenterMac } from "../guests/params";
import { parsePropertyStringStrict, printPropertyString, type PropertyValues } from "../property-string";
import { subKeys } from "./confdesc";

/** `parse_net`: undefined when the string does not parse; a missing MAC is generated unless `keepMissingMac`. */
export function parseNet(ctx: SimContext, value: string, keepMissingMac = false): PropertyValues | undefined {
  const format = subKeys("net0");
  if (!format) return undefined;
  let net: PropertyValues;
  try {
    net = parsePropertyStringStrict(value, format);
  } catch {
    return undefined;
  }
  if (net.macaddr === undefined && !keepMissingMac) net.macaddr = randomDatacenterMac(ctx);
  return net;
}

/** `print_net`. */
export function printNet(net: Readonly<PropertyValues>): string {
  return printPropertyString(net, subKeys("net0") ?? {});
}

/** `add_random_macs`: every `netN` of `settings` reprinted with its MAC. */
export function addRandomMacs(ctx: SimContext, settings: Record<string, string | number>): void {
  for (const key of Object.keys(settings)) {
    if (!/^net\d+$/.test(key)) continue;
    const net = parseNet(ctx, String(settings[key]));
    if (net) settings[key] = printNet(net);
  }
}
