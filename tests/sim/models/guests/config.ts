/**
 * A guest config as pve-guest-common's `PVE::AbstractConfig` holds it after `parse_vm_config` /
 * `parse_pct_config`: the main section, `[PENDING]` (with its `delete` list), snapshot sections
 * and special sections; with the pending helpers every guest shares (`parse_pending_delete`,
 * `print_pending_delete`, `add_to_pending_delete`, `remove_from_pending_delete`,
 * `cleanup_pending`, `load_current_config`), the lock and protection checks (`check_lock`,
 * `has_lock`, `check_protection`) and GuestHelpers' `config_with_pending_array`.
 */
import { pveDie, splitList } from "../config-text";

/** A config value as the parsers leave it: integers and booleans as numbers, the rest as strings. */
export type ConfigValue = string | number;
/** One section of a config file. */
export type ConfigSection = Record<string, ConfigValue>;

/** A whole guest config file. */
export interface GuestConf {
  main: ConfigSection;
  /** `[PENDING]`; its `delete` key lists pending deletions (`!key` when forced). */
  pending: ConfigSection;
  snapshots: Map<string, ConfigSection>;
  /** `[special:<name>]` sections (qemu-server: `cloudinit`). */
  special: Map<string, ConfigSection>;
}

/** An empty config. */
export function emptyConf(main: ConfigSection = {}): GuestConf {
  return { main, pending: {}, snapshots: new Map(), special: new Map() };
}

/** A deep copy (handlers work on copies and write them back). */
export function cloneConf(conf: GuestConf): GuestConf {
  return {
    main: { ...conf.main },
    pending: { ...conf.pending },
    snapshots: new Map([...conf.snapshots].map(([k, v]) => [k, { ...v }])),
    special: new Map([...conf.special].map(([k, v]) => [k, { ...v }])),
  };
}

/** `guest_type`: how messages name a guest of a type. */
export function guestLabel(type: "qemu" | "lxc"): "VM" | "CT" {
  return type === "qemu" ? "VM" : "CT";
}

/** `check_lock`: `VM is locked (<lock>)` (`CT ...` for containers). */
export function assertUnlocked(section: ConfigSection, label: "VM" | "CT"): void {
  if (section.lock !== undefined) throw pveDie(`${label} is locked (${String(section.lock)})`);
}

/** `has_lock`: a lock is set (and it is `lock`, when given). */
export function hasLock(section: ConfigSection, lock?: string): boolean {
  return section.lock !== undefined && (lock === undefined || section.lock === lock);
}

/** `check_protection`: `<prefix> - protection mode enabled`. */
export function checkProtection(conf: GuestConf, prefix: string): void {
  if (conf.main.protection) throw pveDie(`${prefix} - protection mode enabled`);
}

/** `parse_pending_delete`: key → forced. */
export function parsePendingDelete(value: ConfigValue | undefined): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const entry of splitList(value === undefined ? undefined : String(value))) {
    const force = entry.startsWith("!");
    out.set(force ? entry.slice(1) : entry, force);
  }
  return out;
}

/** `print_pending_delete`: sorted, `!` marking forced deletions. */
function printPendingDelete(deletes: ReadonlyMap<string, boolean>): string {
  return [...deletes.keys()]
    .sort()
    .map((key) => (deletes.get(key) ? `!${key}` : key))
    .join(",");
}

/** `add_to_pending_delete`. */
export function addToPendingDelete(conf: GuestConf, key: string, force: boolean): void {
  const deletes = parsePendingDelete(conf.pending.delete);
  deletes.set(key, force);
  conf.pending.delete = printPendingDelete(deletes);
}

/** `remove_from_pending_delete`. */
export function removeFromPendingDelete(conf: GuestConf, key: string): void {
  const deletes = parsePendingDelete(conf.pending.delete);
  if (!deletes.delete(key)) return;
  if (deletes.size) conf.pending.delete = printPendingDelete(deletes);
  else delete conf.pending.delete;
}

/** `cleanup_pending`: drops pending values equal to the current ones and deletions of unset keys. */
export function cleanupPending(conf: GuestConf): boolean {
  let changes = false;
  for (const [key, value] of Object.entries(conf.pending)) {
    if (key === "delete") continue;
    if (conf.main[key] !== undefined && String(value) === String(conf.main[key])) {
      delete conf.pending[key];
      changes = true;
    }
  }
  const deletes = parsePendingDelete(conf.pending.delete);
  for (const key of [...deletes.keys()]) {
    if (conf.main[key] === undefined) {
      deletes.delete(key);
      changes = true;
    }
  }
  if (deletes.size) conf.pending.delete = printPendingDelete(deletes);
  else delete conf.pending.delete;
  return changes;
}

/** `load_current_config`: the main section with pending values merged in, unless `current`. */
export function currentConfig(conf: GuestConf, current: boolean): ConfigSection {
  const out = { ...conf.main };
  if (current) return out;
  for (const [key, value] of Object.entries(conf.pending)) if (key !== "delete") out[key] = value;
  for (const key of parsePendingDelete(conf.pending.delete).keys()) delete out[key];
  return out;
}

/** One item of `GET .../pending`. */
export interface PendingItem {
  key: string;
  value?: ConfigValue;
  pending?: ConfigValue;
  delete?: 1 | 2;
}

/** `config_with_pending_array`: current keys (with their pending value or deletion), then pending-only keys, then deletions of unset keys. */
export function pendingArray(main: ConfigSection, pending: ConfigSection): PendingItem[] {
  const deletes = parsePendingDelete(pending.delete);
  const rest = { ...pending };
  delete rest.delete;
  const out: PendingItem[] = [];
  for (const key of Object.keys(main).sort()) {
    const item: PendingItem = { key, value: main[key] as ConfigValue };
    if (rest[key] !== undefined) {
      item.pending = rest[key];
      delete rest[key];
    }
    const force = deletes.get(key);
    if (force !== undefined) {
      item.delete = force ? 2 : 1;
      deletes.delete(key);
    }
    out.push(item);
  }
  for (const key of Object.keys(rest).sort()) out.push({ key, pending: rest[key] as ConfigValue });
  // `each %$pending_delete_hash` yields the `{force}` hash itself, which is always true.
  for (const key of deletes.keys()) out.push({ key, delete: 2 });
  return out;
}

/** `add_unused_volume`: the first free `unusedN` slot (scanning from the top), or the existing one. */
export function addUnusedVolume(section: ConfigSection, volid: string, maxUnused = 256): string {
  let key: string | undefined;
  for (let i = maxUnused - 1; i >= 0; i--) {
    const existing = section[`unused${i}`];
    if (existing !== undefined) {
      if (existing === volid) return `unused${i}`;
    } else {
      key = `unused${i}`;
    }
  }
  if (!key) throw pveDie("Too many unused volumes - please delete them first.");
  section[key] = volid;
  return key;
}
