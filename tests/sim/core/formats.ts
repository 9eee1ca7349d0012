/**
 * PVE's named formats (`PVE::JSONSchema::register_format` and friends) with their own
 * error texts. Strict where PVE's rule is simple and known; unknown formats pass, because
 * a false 400 would be worse than a missed one.
 */
import { isIP } from "node:net";

/** Validates one value: returns PVE's error text (without "invalid format - ") or undefined. */
type FormatCheck = (value: string) => string | undefined;

const USER_RE = /^[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+$/;
const NAME_RE = /^[A-Za-z0-9.\-_]+$/;
const CONFIGID_RE = /^[a-z][a-z0-9_-]+$/i;
const NODE_RE = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const DNS_LABEL = "([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)";
const DNS_RE = new RegExp(`^(${DNS_LABEL}\\.)*${DNS_LABEL}$`);
const EMAIL_RE = /^[\w+\-~]+(\.[\w+\-~]+)*@[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)*$/;
const MAC_RE = /^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$/i;
const TOKEN_SUB_RE = /^[A-Za-z][A-Za-z0-9.\-_]+$/;

function userid(v: string): string | undefined {
  if (v.length < 3) return `user name '${v}' is too short`;
  if (v.length > 64) return `user name '${v}' is too long (${v.length} > 64)`;
  return USER_RE.test(v) ? undefined : `value '${v}' does not look like a valid user name`;
}

function tokenid(v: string): string | undefined {
  const bang = v.lastIndexOf("!");
  const ok = bang > 0 && userid(v.slice(0, bang)) === undefined && TOKEN_SUB_RE.test(v.slice(bang + 1));
  return ok ? undefined : `value '${v}' does not look like a valid token ID`;
}

function cidr(v: string, family: 0 | 4 | 6): boolean {
  const m = /^([^/]+)\/(\d+)$/.exec(v);
  if (!m?.[1] || !m[2]) return false;
  const fam = isIP(m[1]);
  const bits = Number(m[2]);
  if (fam === 0 || (family !== 0 && fam !== family)) return false;
  return fam === 4 ? bits <= 32 : bits <= 128;
}

function ip(family: 0 | 4 | 6, message: string): FormatCheck {
  return (v) => (isIP(v) !== 0 && (family === 0 || isIP(v) === family) ? undefined : message);
}

/** Calendar events (`PVE::CalendarEvent`), basic shape only: words, digits, `*`, `..`, `,`, `/`, `:`, `-`. */
function calendar(v: string): string | undefined {
  return /^[A-Za-z0-9*.,/:\- ]+$/.test(v.trim()) && v.trim() !== "" ? undefined : `unable to parse calendar event '${v}'`;
}

/** Privilege names are validated by the access model, which owns the privilege list. */
let privilegeCheck: (priv: string) => boolean = () => true;

/** Lets the access model install the real privilege list for `pve-priv`. */
export function setPrivilegeCheck(check: (priv: string) => boolean): void {
  privilegeCheck = check;
}

const FORMATS: Readonly<Record<string, FormatCheck>> = {
  "pve-node": (v) => (NODE_RE.test(v) ? undefined : "value does not look like a valid node name"),
  "pve-userid": userid,
  "pve-tokenid": tokenid,
  "email-or-username": (v) => (EMAIL_RE.test(v) || /^[\w+\-~.]+$/.test(v) ? undefined : "value does not look like a valid email address or user name"),
  "pve-groupid": (v) => (NAME_RE.test(v) ? undefined : `group name '${v}' contains invalid characters`),
  "pve-roleid": (v) => (NAME_RE.test(v) ? undefined : `role name '${v}' contains invalid characters`),
  "pve-poolid": (v) => {
    if (v.split("/").length > 3) return `pool name '${v}' nested too deeply (max levels = 3)`;
    return /^[A-Za-z0-9.\-_]+(?:\/[A-Za-z0-9.\-_]+){0,2}$/.test(v) ? undefined : `pool name '${v}' contains invalid characters`;
  },
  "pve-realm": (v) => (/^[A-Za-z][A-Za-z0-9.\-_]+$/.test(v) ? undefined : "value does not look like a valid realm"),
  "pve-priv": (v) => (privilegeCheck(v) ? undefined : `invalid privilege '${v}'`),
  "pve-storage-id": (v) => (/^[a-z][a-z0-9\-_.]*[a-z0-9]$/i.test(v) ? undefined : `storage ID '${v}' contains illegal characters`),
  "pve-configid": (v) => (CONFIGID_RE.test(v) ? undefined : `invalid configuration ID '${v}'`),
  "pve-vmid": (v) => (/^[1-9][0-9]{2,8}$/.test(v) ? undefined : "value does not look like a valid VM ID"),
  email: (v) => (EMAIL_RE.test(v) ? undefined : "value does not look like a valid email address"),
  "mac-addr": (v) => (MAC_RE.test(v) ? undefined : "value does not look like a valid unicast MAC address"),
  ip: ip(0, "value does not look like a valid IP address"),
  ipv4: ip(4, "value does not look like a valid IPv4 address"),
  ipv6: ip(6, "value does not look like a valid IPv6 address"),
  CIDR: (v) => (cidr(v, 0) ? undefined : "value does not look like a valid CIDR network"),
  CIDRv4: (v) => (cidr(v, 4) ? undefined : "value does not look like a valid IPv4 CIDR network"),
  CIDRv6: (v) => (cidr(v, 6) ? undefined : "value does not look like a valid IPv6 CIDR network"),
  IPorCIDR: (v) => (isIP(v) !== 0 || cidr(v, 0) ? undefined : "value does not look like a valid IP address or CIDR network"),
  "dns-name": (v) => (DNS_RE.test(v) ? undefined : "value does not look like a valid DNS name"),
  "pve-calendar-event": calendar,
};

/** `PVE::ParseUtils::split_list`: `,`, `;` or whitespace separate list entries. */
export function splitList(value: string): string[] {
  return value.split(/[,;\s]+/).filter((s) => s !== "");
}

/**
 * Checks `value` against a named format, handling PVE's `-list` and `-opt` suffixes like
 * `check_format`. Returns the error text (what follows "invalid format - ") or undefined.
 */
export function checkNamedFormat(format: string, value: string): string | undefined {
  const m = /^(.*?)(?:-(list|opt))?$/.exec(format);
  const name = m?.[1] ?? format;
  const kind = m?.[2];
  const check = FORMATS[name];
  if (!check) return undefined;
  if (kind === "list") {
    for (const entry of splitList(value)) {
      const err = check(entry);
      if (err) return err;
    }
    return undefined;
  }
  if (kind === "opt" && value === "") return undefined;
  return check(value);
}

/** `parse_boolean`, as used inside property strings. */
export function parseLooseBoolean(value: string): 0 | 1 | undefined {
  if (/^(1|on|yes|true)$/i.test(value)) return 1;
  if (/^(0|off|no|false)$/i.test(value)) return 0;
  return undefined;
}
