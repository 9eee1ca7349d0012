/**
 * PVE's named formats with their own error texts: pve-common `PVE/JSONSchema.pm`
 * (`register_format`, `check_format`, `pve_verify_*`), `PVE/Certificate.pm` (`check_pem`),
 * pve-storage `PVE/Storage/Plugin.pm` (`verify_path`, `verify_server`, `parse_lvm_name`,
 * `verify_portal_dns`, `verify_content`, `verify_options`, `parse_volume_id`,
 * `verify_dir_override`), `ZFSPoolPlugin.pm::verify_zfs_blocksize`, pve-cluster
 * `DataCenterConfig.pm::pve_verify_mac_prefix` and pve-manager `PVE/NodeConfig.pm` (ACME domain
 * and alias). Strict where PVE's rule is simple and known; unknown formats pass, because a false
 * 400 would be worse than a missed one.
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

/** `PVE::ParseUtils`'s `$IPV4RE`/`$IPV6RE` as used by `parse_host_and_port`. */
const IPV4_OCTET = "(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9])?[0-9])";
const IPV4_RE = `(?:(?:${IPV4_OCTET}\\.){3}${IPV4_OCTET})`;

/** `PVE::Tools::parse_host_and_port`: IPv4 or a host name, `[anything]`, or IPv6, each with an optional port. */
function hostAndPort(v: string): boolean {
  if (new RegExp(`^(${IPV4_RE}|[A-Za-z0-9\\-.]+)(?::(\\d+))?$`).test(v)) return true;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(v);
  if (bracket?.[1] && (isIP(bracket[1]) !== 0 || /^[A-Za-z0-9\-.]+$/.test(bracket[1]))) return true;
  const dotted = /^(.+?)(?:\.(\d+))?$/.exec(v);
  return isIP(v) === 6 || (dotted?.[1] !== undefined && isIP(dotted[1]) === 6);
}

/** `check_pem`'s PEM block for `label` (RFC 7468 base64 lines between BEGIN and END). */
function pemBlock(label: string): string {
  const b64 = "[0-9A-Za-z+/]";
  return `-----BEGIN ${label}-----(?:\\s|\\n)*(?:(?:${b64})+\\s*\\n)*(?:${b64})*(?:=\\s*\\n=|={0,2})?\\s*\\n-----END ${label}-----(?:\\s|\\n)*`;
}

/** `PVE::Certificate::check_pem` after `strip_leading_text`. */
function pem(label: string, multiple: boolean): FormatCheck {
  const one = pemBlock(label);
  const re = new RegExp(`^${multiple ? `(?:${one}\\n+)*${one}` : one}$`);
  return (v) => {
    const start = v.search(/-----BEGIN .*?-----/);
    return re.test(start < 0 ? v : v.slice(start)) ? undefined : "not a valid PEM-formatted string.";
  };
}

/** `pve_verify_ipv4mask`: the dotted masks of `$ipv4_mask_hash`. */
const IPV4_MASKS = new Set(
  Array.from({ length: 33 }, (_, bits) => {
    const n = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join(".");
  }),
);

/** The content types of pve-storage's dir plugin, which `verify_content` accepts (plus `import`). */
const STORAGE_CONTENT = new Set(["images", "rootdir", "vztmpl", "iso", "backup", "snippets", "none", "import"]);

/** `verify_zfs_blocksize`. */
function zfsBlocksize(v: string): string | undefined {
  if (v === "") return undefined;
  const m = /^([1-9][0-9]*)([km])?$/i.exec(v);
  if (!m?.[1]) return `invalid ZFS blocksize format '${v}'. Use a positive number (no leading zeros) with an optional 'k' or 'm' suffix.`;
  const unit = (m[2] ?? "").toLowerCase();
  const n = Number(m[1]) * (unit === "k" ? 1024 : unit === "m" ? 1024 * 1024 : 1);
  if (n >= 512 && n <= 16 * 1024 * 1024 && (n & (n - 1)) === 0) return undefined;
  return `value '${v}' is not a valid ZFS blocksize. Must be a power of 2 between 512B and 16MiB (e.g., 4k, 8k, 16k, 64k, 1m).`;
}

/** `pve_verify_vlan_id_or_range`. */
function vlanIdOrRange(v: string): string | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(v);
  if (!m?.[1]) return `invalid VLAN configuration '${v}'`;
  const start = Number(m[1]);
  if (start < 2 || start > 4094) return `invalid VLAN tag '${m[1]}'`;
  if (m[2]) {
    const end = Number(m[2]);
    if (end < 2 || end > 4094) return `invalid VLAN tag '${m[2]}'`;
    if (start >= end) return `VLAN range must go from lower to higher tag '${v}'`;
  }
  return undefined;
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
  "pem-certificate": pem("CERTIFICATE", false),
  "pem-certificate-chain": pem("CERTIFICATE", true),
  "pem-string": pem(".*?", false),
  ipv4mask: (v) => (IPV4_MASKS.has(v) ? undefined : "value does not look like a valid IP netmask"),
  "pve-iface": (v) => (/^[a-z][a-z0-9_]{1,20}([:.]\d+)?$/i.test(v) ? undefined : `invalid network interface name '${v}'`),
  "pve-vlan-id-or-range": vlanIdOrRange,
  "pve-task-status-type": (v) => (/^(ok|error|warning|unknown)$/i.test(v) ? undefined : `invalid status '${v}'`),
  "mac-prefix": (v) => (/^[a-f0-9][02468ace](?::[a-f0-9]{2}){0,2}(?::[a-f0-9]?)?$/i.test(v) ? undefined : "value is not a valid unicast MAC address prefix"),
  "pve-storage-path": (v) => (/^\/[^;()]+/.test(v) ? undefined : "value does not look like a valid absolute path"),
  "pve-storage-server": (v) => (isIP(v) !== 0 || DNS_RE.test(v) ? undefined : "value does not look like a valid server name or IP address"),
  "pve-storage-vgname": (v) => (/^[a-z0-9][a-z0-9\-_.]*[a-z0-9]$/i.test(v) ? undefined : `lvm name '${v}' contains illegal characters`),
  "pve-storage-portal-dns": (v) => (hostAndPort(v) ? undefined : "value does not look like a valid portal address"),
  "pve-storage-content": (v) => (STORAGE_CONTENT.has(v) ? undefined : `invalid content type '${v}'`),
  "pve-storage-options": (v) => (/^\S+$/.test(v) ? undefined : `invalid options '${v}'`),
  "pve-storage-zfs-blocksize": zfsBlocksize,
  "pve-volume-id": (v) => (/^[a-z][a-z0-9\-_.]*[a-z0-9]:.+$/is.test(v) ? undefined : `unable to parse volume ID '${v}'`),
  "pve-dir-override": (v) => {
    const m = /^([a-z]+)=([^.]*(?:\.?[^.]+)+)$/.exec(v);
    if (m?.[1] === undefined || m[2] === undefined) return `invalid override '${v}'`;
    // verify_content runs without noerr here, so an unknown type dies with its own message.
    if (!STORAGE_CONTENT.has(m[1])) return `invalid content type '${m[1]}'`;
    return m[2].length < 1023 && !m[2].split("/").some((part) => part.length >= 255) ? undefined : `invalid override '${v}'`;
  },
  "pve-acme-domain": (v) => (/^[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9][a-z0-9_-]*)+$/i.test(v) ? undefined : `value '${v}' does not look like a valid domain name!`),
  "pve-acme-alias": (v) => (/^[a-z0-9_][a-z0-9_-]*(?:\.[a-z0-9_][a-z0-9_-]*)+$/i.test(v) ? undefined : `value '${v}' does not look like a valid alias name!`),
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
