/**
 * The text of a container config file as pve-container writes it (`src/PVE/LXC/Config.pm`
 * `write_pct_config`): the description as `#` comment lines on top, the keys sorted, the runtime
 * environment as `lxc.environment.runtime:` lines, then `[pve:pending]` and the snapshot sections;
 * `unusedN` entries whose volume is still mounted are dropped. Its SHA1 is the `digest`
 * (`parse_pct_config`), so a pending or snapshot change alters the digest too. Reading it back
 * keeps a newline after each description line. A backup's `pct.conf` is parsed back as
 * `parse_pct_config` does.
 */
import { sha1 } from "../config-text";
import { typedValue } from "./confdesc";
import type { ConfigSection, GuestConf } from "../guests/config";
import { volumesOf } from "./mountpoint";

/** `PVE::Tools::encode_text`: control and hi-bit characters, `:` and `%` percent-encoded (UTF-8). */
function encodeText(line: string): string {
  return [...Buffer.from(line, "utf8")]
    .map((b) => (b < 0x20 || b > 0x7e || b === 0x25 || b === 0x3a ? `%${b.toString(16).toUpperCase().padStart(2, "0")}` : String.fromCharCode(b)))
    .join("");
}

/** Perl's `split(/\n/, $text)`: trailing empty fields dropped. */
function lines(text: string): string[] {
  const out = text.split("\n");
  while (out.length && out[out.length - 1] === "") out.pop();
  return out;
}

function sectionText(section: ConfigSection): string {
  let raw = "";
  for (const line of lines(String(section.description ?? ""))) raw += `#${encodeText(line)}\n`;
  for (const key of Object.keys(section).sort()) {
    if (key === "description" || key === "env") continue;
    raw += `${key}: ${section[key]}\n`;
  }
  const env = section.env;
  if (env) for (const variable of String(env).split(/\0+/)) raw += `lxc.environment.runtime: ${variable}\n`;
  return raw;
}

/** Drops `unusedN` entries naming a volume the section still mounts (what `write_pct_config` does first). */
function dropUsedUnused(section: ConfigSection): void {
  const used = new Set(
    volumesOf(section)
      .filter(({ mp }) => mp.type === "volume")
      .map(({ mp }) => mp.volume),
  );
  for (const key of Object.keys(section)) if (/^unused\d+$/.test(key) && used.has(String(section[key]))) delete section[key];
}

/**
 * A description as the file gives it back: `parse_pct_config` appends a newline to every comment
 * line and, unlike qemu-server, never trims the result; an empty description is gone.
 */
function roundTripDescription(section: ConfigSection): void {
  if (section.description === undefined) return;
  const text = lines(String(section.description))
    .map((line) => `${line}\n`)
    .join("");
  if (text) section.description = text;
  else delete section.description;
}

/** What writing a config and parsing it again does to it (the store applies it on every write). */
export function normalizeCtConf(conf: GuestConf): void {
  dropUsedUnused(conf.main);
  roundTripDescription(conf.main);
  roundTripDescription(conf.pending);
  for (const snap of conf.snapshots.values()) roundTripDescription(snap);
}

/** The whole file. */
export function ctConfigText(conf: GuestConf): string {
  let raw = sectionText(conf.main);
  if (Object.keys(conf.pending).length) raw += `\n[pve:pending]\n${sectionText(conf.pending)}`;
  for (const name of [...conf.snapshots.keys()].sort()) raw += `\n[${name}]\n${sectionText(conf.snapshots.get(name) ?? {})}`;
  return raw;
}

/** `digest`: SHA1 of the file text. */
export function ctConfigDigest(conf: GuestConf): string {
  return sha1(ctConfigText(conf));
}

/** `PVE::Tools::decode_text`. */
function decodeText(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * `parse_pct_config` of a whole file: the main section, `[pve:pending]` and the snapshot
 * sections (values typed by `check_type`; raw `lxc.*` keys other than the runtime environment
 * are not modelled and dropped).
 */
export function parseCtConfigText(raw: string): GuestConf {
  const conf: GuestConf = { main: {}, pending: {}, snapshots: new Map(), special: new Map() };
  let section: ConfigSection = conf.main;
  let descr = "";
  const closeSection = (): void => {
    if (descr) section.description = descr;
    descr = "";
  };
  for (const line of raw.split("\n")) {
    if (/^\s*$/.test(line)) continue;
    const header = /^\[(pve:pending|[a-z][a-z0-9_-]+)\]\s*$/i.exec(line);
    if (header?.[1]) {
      closeSection();
      section = /^pve:pending$/i.test(header[1]) ? conf.pending : {};
      if (section !== conf.pending) conf.snapshots.set(header[1], section);
      continue;
    }
    const comment = /^#(.*)$/.exec(line);
    if (comment) {
      descr += `${decodeText(comment[1] ?? "")}\n`;
      continue;
    }
    const lxc = /^(lxc\.[a-z0-9_\-.]+)(:|\s*=)\s*(.*?)\s*$/.exec(line);
    if (lxc?.[1]) {
      if (lxc[1] === "lxc.environment.runtime") section.env = section.env === undefined ? String(lxc[3]) : `${String(section.env)}\0${lxc[3]}`;
      continue;
    }
    const kv = /^([a-z][a-z_]*\d*):\s*(.+?)\s*$/.exec(line);
    if (kv?.[1] && kv[2] !== undefined) section[kv[1]] = kv[1] === "delete" || kv[1] === "snapstate" ? kv[2] : typedValue(kv[1], kv[2]);
  }
  closeSection();
  return conf;
}
