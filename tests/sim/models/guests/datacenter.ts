/**
 * The datacenter.cfg options guests read (pve-cluster `PVE/DataCenterConfig.pm`): `mac_prefix`
 * (default the Proxmox OUI `BC:24:11`), `next-id` (`lower=100`, `upper=1000000`), `tag-style`
 * (`ordering`, `case-sensitive`), `user-tag-access` and `registered-tags`.
 */
import type { SimContext } from "../../types";
import { datacenterOption } from "../cluster/options";

const PROXMOX_OUI = "BC:24:11";

type Parsed = Readonly<Record<string, string | number>> | undefined;

/** The prefix of generated MAC addresses. */
export function macPrefix(ctx: SimContext): string {
  const value = datacenterOption(ctx, "mac_prefix");
  return typeof value === "string" ? value : PROXMOX_OUI;
}

/** `next-id`'s range for `/cluster/nextid`. */
export function nextIdRange(ctx: SimContext): { lower: number; upper: number } {
  const range = datacenterOption(ctx, "next-id") as Parsed;
  return { lower: Number(range?.lower ?? 100), upper: Number(range?.upper ?? 1_000_000) };
}

/** `tag-style`: whether tags keep the order written and their case. */
export function tagStyle(ctx: SimContext): { ordering: string; caseSensitive: boolean } {
  const style = datacenterOption(ctx, "tag-style") as Parsed;
  return { ordering: String(style?.ordering ?? "alphabetical"), caseSensitive: Boolean(style?.["case-sensitive"]) };
}

/** `user-tag-access` and `registered-tags`. */
export function tagAccess(ctx: SimContext): { userAllow: string; allowList: string[]; registered: string[] } {
  const access = datacenterOption(ctx, "user-tag-access") as Parsed;
  // parse_datacenter_config splits both lists at ';' already.
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === "string" ? v.split(/[;,\s]+/).filter((t) => t !== "") : []);
  return {
    userAllow: String(access?.["user-allow"] ?? "free"),
    allowList: list(access?.["user-allow-list"]),
    registered: list(datacenterOption(ctx, "registered-tags")),
  };
}
