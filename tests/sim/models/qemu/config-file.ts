/**
 * The text of a VM config file as qemu-server writes it (`src/PVE/QemuServer.pm`
 * `write_vm_config`): the description as `#` comment lines on top, the keys sorted, then
 * `[PENDING]`, `[special:cloudinit]` (only while a cloud-init drive exists) and the snapshot
 * sections. Its SHA1 is the `digest` GET config returns (`parse_vm_config`), so a pending or
 * snapshot change alters the digest too. Before writing, `write_vm_config` drops every `unusedN`
 * whose volume a drive of the main or pending section uses again; an empty `boot` does not read
 * back. A backup's `qemu-server.conf` is parsed back as `parse_vm_config` does (its main section;
 * the description's trailing whitespace trimmed).
 */
import { sha1 } from "../config-text";
import type { ConfigSection, GuestConf } from "../guests/config";
import { isDriveName, typedValue } from "./confdesc";
import { parseDrive } from "./drive";

function sectionText(section: ConfigSection, pending: boolean): string {
  let raw = "";
  const descr = section.description;
  if (descr !== undefined) {
    const text = String(descr);
    if (text) for (const line of text.split("\n")) raw += `#${line}\n`;
    else if (pending) raw += "#\n";
  }
  for (const key of Object.keys(section).sort()) {
    if (key === "description") continue;
    raw += `${key}: ${section[key]}\n`;
  }
  return raw;
}

/** Whether a section holds a cloud-init drive (`has_cloudinit`). */
export function hasCloudinit(section: ConfigSection): boolean {
  return Object.entries(section).some(([key, value]) => /^(ide|scsi|virtio|sata)\d+$/.test(key) && /[:/](?:vm-\d+-)?cloudinit/.test(String(value)));
}

/**
 * `write_vm_config`'s "remove 'unusedX' settings if we re-add a volume": an `unusedN` of the main
 * section goes when a drive of the main or the pending section references its volume (this is
 * also what removes the `unusedN` that `vmconfig_apply_pending` registers for a drive whose
 * options alone changed).
 */
export function dropReattachedUnused(conf: GuestConf): void {
  const used = new Set<string>();
  for (const section of [conf.main, conf.pending]) {
    for (const [key, value] of Object.entries(section)) {
      if (!isDriveName(key)) continue;
      const file = parseDrive(key, String(value))?.file;
      if (file) used.add(file);
    }
  }
  for (const [key, value] of Object.entries(conf.main)) if (/^unused/.test(key) && used.has(String(value))) delete conf.main[key];
}

/**
 * What does not survive the file: `print_bootorder` of no devices is `""`, written as `boot: `,
 * which `parse_vm_config` skips (` ` is not a `pve-qm-boot` string). So a VM created without
 * disks, CD-ROMs or NICs has no `boot`, and deleting the last boot device leaves `boot` as it was.
 */
export function dropEmptyBoot(conf: GuestConf): void {
  for (const section of [conf.main, conf.pending]) if (section.boot === "") delete section.boot;
}

/** The whole file. */
export function vmConfigText(conf: GuestConf): string {
  let raw = sectionText(conf.main, false);
  if (Object.keys(conf.pending).length) raw += `\n[PENDING]\n${sectionText(conf.pending, true)}`;
  for (const name of [...conf.special.keys()].sort()) {
    if (name === "cloudinit" && !hasCloudinit(conf.main)) continue;
    raw += `\n[special:${name}]\n${sectionText(conf.special.get(name) ?? {}, false)}`;
  }
  for (const name of [...conf.snapshots.keys()].sort()) raw += `\n[${name}]\n${sectionText(conf.snapshots.get(name) ?? {}, false)}`;
  return raw;
}

/** `digest`: SHA1 of the file text. */
export function vmConfigDigest(conf: GuestConf): string {
  return sha1(vmConfigText(conf));
}

/** `parse_vm_config` of a file's main section (the sections after it are not read). */
export function parseVmConfigMain(raw: string): ConfigSection {
  const main: ConfigSection = {};
  let descr: string | undefined;
  for (const line of raw.split("\n")) {
    if (/^\s*$/.test(line)) continue;
    if (/^\[[^\]]*\]\s*$/.test(line)) break;
    const comment = /^#(.*)$/.exec(line);
    if (comment) {
      let text = comment[1] ?? "";
      try {
        text = decodeURIComponent(text);
      } catch {
        // kept as written
      }
      descr = `${descr ?? ""}${text}\n`;
      continue;
    }
    const kv = /^([a-z][a-z_-]*\d*):\s*(.+?)\s*$/.exec(line);
    if (kv?.[1] && kv[2] !== undefined) main[kv[1]] = typedValue(kv[1], kv[2]);
  }
  if (descr !== undefined) main.description = descr.replace(/\s+$/, "");
  return main;
}
