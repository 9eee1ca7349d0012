/**
 * Named PVE formats that the vendored schema carries only by name (`format: "prune-backups"`),
 * although PVE registers them as property strings, and checks of named string formats that zod
 * cannot express with a pattern (calendar events). The facts come from PVE's own registrations
 * (`PVE::JSONSchema::register_format` in pve-common, pve-access-control, pve-manager).
 */
import type { ApiParam, ApiPropertyKey } from "./pve-schema";

const keep = (): ApiPropertyKey => ({ type: "integer", minimum: 1, optional: true });

/** Property-string formats PVE registers by name, keyed by that name. */
export const NAMED_PROPERTY_FORMATS: Readonly<Record<string, Record<string, ApiPropertyKey>>> = {
  // pve-common PVE::JSONSchema: the retention options of backups.
  "prune-backups": {
    "keep-all": { type: "boolean", optional: true },
    "keep-last": keep(),
    "keep-hourly": keep(),
    "keep-daily": keep(),
    "keep-weekly": keep(),
    "keep-monthly": keep(),
    "keep-yearly": keep(),
  },
  // pve-manager PVE::VZDump::Common.
  "backup-fleecing": {
    enabled: { type: "boolean", optional: true, default_key: 1, default: 0 },
    storage: { type: "string", optional: true, format: "pve-storage-id" },
  },
  "backup-performance": {
    "max-workers": { type: "integer", minimum: 1, maximum: 256, optional: true, default: 16 },
    "pbs-entries-max": { type: "integer", minimum: 1, optional: true, default: 1048576 },
  },
  // pve-access-control PVE::Auth::Plugin: a realm's second factor.
  "pve-tfa-config": {
    type: { type: "string", enum: ["oath", "yubico"] },
    id: { type: "string", optional: true },
    key: { type: "string", optional: true },
    url: { type: "string", optional: true },
    digits: { type: "integer", minimum: 6, maximum: 8, optional: true, default: 6 },
    step: { type: "integer", minimum: 10, optional: true, default: 30 },
  },
  // pve-network SDN/SubnetPlugin.pm `$dhcp_range_fmt`: the items of a subnet's `dhcp-range`. PVE types
  // both keys `ip`, which pve-common's check_type leaves unchecked; `validate_dhcp_ranges` checks the
  // addresses when the subnet is written, so here they are plain strings.
  "pve-sdn-dhcp-range": {
    "start-address": { type: "string" },
    "end-address": { type: "string" },
  },
  // qemu-server QemuServer/Network.pm `$ipconfig_fmt`: a cloud-init NIC's addresses (`dhcp`, `auto` or CIDR).
  "pve-qm-ipconfig": {
    ip: { type: "string", optional: true },
    gw: { type: "string", optional: true, format: "ipv4" },
    ip6: { type: "string", optional: true },
    gw6: { type: "string", optional: true, format: "ipv6" },
  },
  // qemu-server QemuServer/PCI.pm `$hostpci_fmt`: a PCI device passed through (a host address or a mapping).
  "pve-qm-hostpci": {
    host: { type: "string", default_key: 1, optional: true },
    mapping: { type: "string", optional: true, format: "pve-configid" },
    rombar: { type: "boolean", optional: true, default: 1 },
    romfile: { type: "string", optional: true },
    pcie: { type: "boolean", optional: true, default: 0 },
    "x-vga": { type: "boolean", optional: true, default: 0 },
    "legacy-igd": { type: "boolean", optional: true, default: 0 },
    mdev: { type: "string", optional: true },
    "vendor-id": { type: "string", optional: true },
    "device-id": { type: "string", optional: true },
    "sub-vendor-id": { type: "string", optional: true },
    "sub-device-id": { type: "string", optional: true },
    driver: { type: "string", optional: true, enum: ["vfio", "keep"] },
  },
  // qemu-server QemuServer.pm `$boot_fmt`: the boot order.
  "pve-qm-boot": {
    legacy: { type: "string", default_key: 1, optional: true, pattern: "[acdn]{1,4}" },
    order: { type: "string", optional: true },
  },
  // qemu-server QemuServer/CPUConfig.pm `$cpu_fmt`: the CPU model and its flags.
  "pve-vm-cpu-conf": {
    cputype: { type: "string", default_key: 1, optional: true },
    flags: { type: "string", optional: true },
    hidden: { type: "boolean", optional: true, default: 0 },
    "hv-vendor-id": { type: "string", optional: true },
    "reported-model": { type: "string", optional: true },
    "phys-bits": { type: "string", optional: true },
    "guest-phys-bits": { type: "integer", optional: true, minimum: 32, maximum: 64 },
    level: { type: "integer", optional: true },
  },
  // pve-guest-common / pve-common `pve-startup-order`: the start order and delays.
  "pve-startup-order": {
    order: { type: "integer", default_key: 1, optional: true, minimum: 0 },
    up: { type: "integer", optional: true, minimum: 0 },
    down: { type: "integer", optional: true, minimum: 0 },
  },
  // qemu-server QemuServer/RNG.pm `$rng_fmt`: the VirtIO entropy device.
  "pve-qm-rng": {
    source: { type: "string", default_key: 1, enum: ["/dev/urandom", "/dev/random", "/dev/hwrng"] },
    max_bytes: { type: "integer", optional: true, default: 1024 },
    period: { type: "integer", optional: true, default: 1000 },
  },
  // qemu-server QemuServer.pm `$watchdog_fmt`.
  "pve-qm-watchdog": {
    model: { type: "string", default_key: 1, optional: true, enum: ["i6300esb", "ib700"], default: "i6300esb" },
    action: { type: "string", optional: true, enum: ["reset", "shutdown", "poweroff", "pause", "debug", "none"] },
  },
  // qemu-server QemuServer/Cloudinit.pm `$cicustom_fmt`: snippet volumes replacing generated cloud-init parts.
  "pve-qm-cicustom": {
    meta: { type: "string", optional: true },
    network: { type: "string", optional: true },
    user: { type: "string", optional: true },
    vendor: { type: "string", optional: true },
  },
  // qemu-server QemuServer.pm `$smbios1_fmt`: the SMBIOS type 1 fields.
  "pve-qm-smbios1": {
    uuid: { type: "string", optional: true },
    version: { type: "string", optional: true },
    serial: { type: "string", optional: true },
    manufacturer: { type: "string", optional: true },
    product: { type: "string", optional: true },
    sku: { type: "string", optional: true },
    family: { type: "string", optional: true },
    base64: { type: "boolean", optional: true },
  },
  // pve-access-control PVE::Auth::Plugin: the defaults of a realm sync.
  "realm-sync-options": {
    scope: { type: "string", enum: ["users", "groups", "both"], optional: true },
    "enable-new": { type: "boolean", optional: true, default: 1 },
    "remove-vanished": { type: "string", optional: true, pattern: "(?:(?:(?:acl|properties|entry);)*(?:acl|properties|entry))|none" },
    full: { type: "boolean", optional: true },
    purge: { type: "boolean", optional: true },
  },
};

/** The parameter with a named property-string format resolved to its sub-keys. */
export function resolveNamedFormat(param: ApiParam): ApiParam {
  if (typeof param.format !== "string") return param;
  const keys = NAMED_PROPERTY_FORMATS[param.format];
  return keys ? { ...param, format: keys } : param;
}

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const WEEKDAY = `(?:${WEEKDAYS.join("|")})`;
const WEEKDAY_SPEC = new RegExp(`^${WEEKDAY}(?:\\.\\.${WEEKDAY})?(?:,${WEEKDAY}(?:\\.\\.${WEEKDAY})?)*$`);
/** Words PVE (proxmox-time) accepts as a whole schedule. */
const KEYWORDS = new Set(["minutely", "hourly", "daily", "weekly", "monthly", "yearly", "annually", "quarterly", "semiannually", "semi-annually"]);

/** One component list (`*`, `5`, `8..17`, `0/15`, `*\/5`, `1,3,5`) with every value in [min, max]. */
function componentOk(text: string, min: number, max: number): boolean {
  if (text === "") return false;
  return text.split(",").every((part) => {
    const m = /^(\*|\d+)(?:\.\.(\d+))?(?:\/(\d+))?$/.exec(part);
    if (!m) return false;
    const [, start = "", end, step] = m;
    const inRange = (v: string | undefined): boolean => v === undefined || (Number(v) >= min && Number(v) <= max);
    if (start === "*" && end !== undefined) return false;
    if (step !== undefined && Number(step) === 0) return false;
    return (start === "*" || inRange(start)) && inRange(end) && (end === undefined || Number(end) >= Number(start));
  });
}

/** `[[YYYY-]MM-]DD`. */
function dateOk(text: string): boolean {
  const parts = text.split("-");
  if (parts.length < 2 || parts.length > 3) return false;
  const [day = "", month = "", year] = [...parts].reverse();
  return componentOk(day, 1, 31) && componentOk(month, 1, 12) && (year === undefined || componentOk(year, 1970, 9999));
}

/** `[HH:]MM[:SS]`; a lone component is minutes, like PVE's `*\/15`. */
function timeOk(text: string): boolean {
  const parts = text.split(":");
  if (parts.length === 1) return componentOk(parts[0] ?? "", 0, 59);
  if (parts.length > 3) return false;
  const [hour = "", minute = "", second] = parts;
  return componentOk(hour, 0, 23) && componentOk(minute, 0, 59) && (second === undefined || componentOk(second, 0, 59));
}

/**
 * True when `text` is a PVE calendar event (`man 7 systemd.time`-like, as proxmox-time parses
 * it): a keyword, or `[WEEKDAY] [[YYYY-]MM-DD] [HH:MM[:SS]]`, e.g. `mon..fri 02:30`, `*\/15`, `sat`.
 */
export function isCalendarEvent(text: string): boolean {
  const tokens = text
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((t) => t !== "");
  if (tokens.length === 0) return false;
  if (tokens.length === 1 && KEYWORDS.has(tokens[0] ?? "")) return true;
  let i = 0;
  if (WEEKDAY_SPEC.test(tokens[i] ?? "")) i++;
  if (tokens[i] !== undefined && (tokens[i] ?? "").includes("-") && dateOk(tokens[i] ?? "")) i++;
  if (tokens[i] !== undefined && timeOk(tokens[i] ?? "")) i++;
  return i === tokens.length;
}

/** A domain as PVE's node config takes it for ACME: dot-separated labels, at least two. */
const ACME_DOMAIN = /^[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9][a-z0-9_-]*)+$/i;
/** A DNS alias for ACME validation: labels may also start with `_` (`_acme-challenge.example.com`). */
const ACME_ALIAS = /^[a-z0-9_][a-z0-9_-]*(?:\.[a-z0-9_][a-z0-9_-]*)+$/i;

/**
 * The provider's own checks of named string formats, by PVE's format name: they win over PVE's
 * table (`schema/pve-formats.ts`) where a friendlier message helps (ACME names) or PVE's rule is
 * richer than the table's (calendar events). A message when the value is not of the format.
 */
export const FORMAT_CHECKS: Readonly<Record<string, { check: (value: string) => boolean; message: string }>> = {
  "pve-acme-domain": { check: (v) => ACME_DOMAIN.test(v), message: "does not look like a valid domain name (at least two dot-separated labels)" },
  "pve-acme-alias": { check: (v) => ACME_ALIAS.test(v), message: "does not look like a valid domain alias (at least two dot-separated labels)" },
  "pve-calendar-event": {
    check: isCalendarEvent,
    message: "must be a PVE calendar event, e.g. `daily`, `*/15`, `mon..fri 02:30` or `sat 12:00` (see `man 7 systemd.time`)",
  },
};
