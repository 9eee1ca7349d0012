/**
 * Backup notes (pve-manager `PVE/VZDump.pm` `$verify_notes_template`, `$generate_notes`): a
 * template without line feeds, whose escapes are `\n` and `\\` and whose variables are
 * `{{cluster}}`, `{{guestname}}`, `{{node}}` and `{{vmid}}`; unknown ones are refused naming each
 * with its position (`found unknown: variable 'x' at char 7`).
 */
import { pveDie } from "../config-text";

/** The cluster name `/cluster/status` reports (the core's system model). */
const CLUSTER_NAME = "sim";

/** `$verify_notes_template`. */
export function verifyNotesTemplate(template: string): void {
  if (template.includes("\n")) throw pveDie("contains a line feed");
  const problems: string[] = [];
  for (const m of template.matchAll(/\\(.)/g)) if (!/^[n\\]$/.test(m[1] ?? "")) problems.push(`escape sequence '\\${m[1] ?? ""}' at char ${m.index}`);
  for (const m of template.matchAll(/\{\{([^\s{}]+)\}\}/g)) {
    const name = m[1] ?? "";
    if (!/^(cluster|guestname|node|vmid)$/.test(name)) problems.push(`variable '${name}' at char ${m.index + 4}`); // pos() - length($var), as PVE counts
  }
  if (problems.length) throw pveDie(`found unknown: ${problems.join(", ")}`);
}

/** `$generate_notes`: the template with escapes and variables replaced. */
export function generateNotes(template: string, info: { readonly vmid: number; readonly node: string; readonly hostname?: string }): string {
  verifyNotesTemplate(template);
  const vars: Readonly<Record<string, string>> = {
    cluster: CLUSTER_NAME,
    guestname: info.hostname ?? `VM ${info.vmid}`,
    node: info.node,
    vmid: String(info.vmid),
  };
  return template
    .replace(/\\(.)/g, (_m, c: string) => (c === "n" ? "\n" : "\\"))
    .replace(/\{\{(cluster|guestname|node|vmid)\}\}/g, (_m, name: string) => vars[name] ?? "");
}
