/**
 * PVE's named formats with their own error texts: pve-common `PVE/JSONSchema.pm`
 * (`register_format`, `check_format`, `pve_verify_*`, `parse_id`), `PVE/ParseUtils.pm`
 * (`$IPV4RE`, `$IPV6RE`, `$EMAIL_RE`, `$EMAIL_USER_RE`), `PVE/Tools.pm` (`parse_host_and_port`),
 * `PVE/Certificate.pm` (`check_pem`), pve-access-control `PVE/AccessControl.pm` and
 * `PVE/Auth/Plugin.pm` (user, token, group, role, pool, realm, privilege), pve-storage
 * `PVE/Storage/Plugin.pm` (`verify_path`, `verify_server`, `parse_lvm_name`,
 * `verify_portal_dns`, `verify_content`, `verify_options`, `parse_volume_id`,
 * `verify_dir_override`), `ZFSPoolPlugin.pm::verify_zfs_blocksize`, pve-network
 * `SDN/SubnetPlugin.pm::parse_sdn_subnet_id`, pve-firewall `PVE/Firewall.pm`
 * (`pve_verify_ip_or_cidr`, `pve_verify_ip_or_cidr_or_alias`), pve-cluster
 * `DataCenterConfig.pm::pve_verify_mac_prefix` and pve-manager `PVE/NodeConfig.pm` (ACME domain
 * and alias). Strict where PVE's rule is simple and known; unknown formats pass, because a false
 * 400 would be worse than a missed one.
 *
 * One table for both sides: the simulator answers with these texts, and the provider's `check`
 * refuses the same values before anything is sent (so a preview fails where the apply would).
 */

/** Validates one value: returns PVE's error text (without "invalid format - ") or undefined. */
export type FormatCheck = (value: string) => string | undefined;

/** `PVE::ParseUtils`'s `$IPV4RE`: four octets without leading zeros. */
const IPV4_OCTET = "(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9])?[0-9])";
const IPV4_RE = `(?:(?:${IPV4_OCTET}\\.){3}${IPV4_OCTET})`;
/** `PVE::ParseUtils`'s `$IPV6RE` (RFC 3986 `IPv6address`): no zone ids, no brackets. */
const H16 = "(?:[0-9a-fA-F]{1,4})";
const LS32 = `(?:(?:${IPV4_RE}|${H16}:${H16}))`;
const IPV6_RE =
  "(?:" +
  [
    `(?:(?:(?:${H16}:){6})${LS32})`,
    `(?:(?:::(?:${H16}:){5})${LS32})`,
    `(?:(?:(?:${H16})?::(?:${H16}:){4})${LS32})`,
    `(?:(?:(?:(?:${H16}:){0,1}${H16})?::(?:${H16}:){3})${LS32})`,
    `(?:(?:(?:(?:${H16}:){0,2}${H16})?::(?:${H16}:){2})${LS32})`,
    `(?:(?:(?:(?:${H16}:){0,3}${H16})?::(?:${H16}:){1})${LS32})`,
    `(?:(?:(?:(?:${H16}:){0,4}${H16})?::)${LS32})`,
    `(?:(?:(?:(?:${H16}:){0,5}${H16})?::)${H16})`,
    `(?:(?:(?:(?:${H16}:){0,6}${H16})?::))`,
  ].join("|") +
  ")";
const IS_IPV4 = new RegExp(`^${IPV4_RE}$`);
const IS_IPV6 = new RegExp(`^${IPV6_RE}$`);

/** 4 or 6 when `value` is an address as `$IPV4RE`/`$IPV6RE` take it, else 0. */
export function pveIpFamily(value: string): 0 | 4 | 6 {
  if (IS_IPV4.test(value)) return 4;
  return IS_IPV6.test(value) ? 6 : 0;
}

const USER_RE = "[^\\s:/]+";
const REALM_RE = "[A-Za-z][A-Za-z0-9.\\-_]+";
const NAME_RE = /^[A-Za-z0-9.\-_]+$/;
/** `$PVE::JSONSchema::CONFIGID_RE`: a letter and at least one more character. */
const CONFIGID_RE = /^[a-z][a-z0-9_-]+$/i;
const NODE_RE = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const DNS_LABEL = "([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)";
const DNS_RE = new RegExp(`^(${DNS_LABEL}\\.)*${DNS_LABEL}$`);
/** `$EMAIL_USER_RE`: dot-separated runs of word characters, `+`, `-` and `~`. */
const EMAIL_USER = "[\\w+\\-~]+(\\.[\\w+\\-~]+)*";
const EMAIL_USER_RE = new RegExp(`^${EMAIL_USER}$`);
const EMAIL_RE = new RegExp(`^${EMAIL_USER}@[a-zA-Z0-9-]+(\\.[a-zA-Z0-9-]+)*$`);
const MAC_RE = /^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$/i;
/** pve-firewall's `$ip_alias_pattern`. */
const IP_ALIAS_RE = /^(dc\/|guest\/)?[A-Za-z][A-Za-z0-9\-_]+$/;
/** `$PVE_TAG_RE`. */
const TAG_RE = /^[a-z0-9_][a-z0-9_\-+.]*$/i;

function userid(v: string): string | undefined {
  if (v.length < 3) return `user name '${v}' is too short`;
  if (v.length > 64) return `user name '${v}' is too long (${v.length} > 64)`;
  return new RegExp(`^${USER_RE}@${REALM_RE}$`).test(v) ? undefined : `value '${v}' does not look like a valid user name`;
}

/** `pve_verify_tokenid`: `$token_full_regex` only (no length check of the user part). */
const TOKEN_RE = new RegExp(`^${USER_RE}@${REALM_RE}!${REALM_RE}$`);

/** `parse_id`: at least 2 characters, a letter first and a letter or digit last. */
function parseId(type: string): FormatCheck {
  return (v) => {
    if (v.length < 2) return `${type} ID '${v}' cannot be shorter than 2 characters`;
    return /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i.test(v) ? undefined : `${type} ID '${v}' contains illegal characters`;
  };
}

/** `pve_verify_cidrv4`/`pve_verify_cidrv6`: PVE's address and a prefix above 7, at most 32 or 128. */
function cidr(v: string, family: 4 | 6): boolean {
  const m = /^(.+)\/(\d+)$/.exec(v);
  if (!m?.[1] || !m[2] || pveIpFamily(m[1]) !== family) return false;
  const bits = Number(m[2]);
  return bits > 7 && bits <= (family === 4 ? 32 : 128);
}

const anyCidr = (v: string): boolean => cidr(v, 4) || cidr(v, 6);

/** pve-firewall `pve_verify_ip_or_cidr`: an address with an optional prefix that `Net::IP` takes (any length up to the address's). */
function ipOrCidr(v: string): string | undefined {
  const m = /^(.+?)(?:\/(\d+))?$/.exec(v);
  const family = m?.[1] ? pveIpFamily(m[1]) : 0;
  if (family === 0) return "value does not look like a valid IP address or CIDR network";
  const max = family === 4 ? 32 : 128;
  // Net::IP::ip_check_prefix (after clean_cidr zeroed the host bits).
  if (m?.[2] !== undefined && Number(m[2]) > max) return `Prefix length ${Number(m[2])} is longer than IP address (${max})`;
  return undefined;
}

function ip(family: 0 | 4 | 6, message: string): FormatCheck {
  return (v) => {
    const got = pveIpFamily(v);
    return got !== 0 && (family === 0 || got === family) ? undefined : message;
  };
}

const isDnsName = (v: string): boolean => DNS_RE.test(v);

/** Calendar events (`PVE::CalendarEvent`), basic shape only: words, digits, `*`, `..`, `,`, `/`, `:`, `-`. */
function calendar(v: string): string | undefined {
  return /^[A-Za-z0-9*.,/:\- ]+$/.test(v.trim()) && v.trim() !== "" ? undefined : `unable to parse calendar event '${v}'`;
}

/** `PVE::Tools::parse_host_and_port`: IPv4 or a host name, `[anything]`, or IPv6 with a `.port`, each port optional. */
function hostAndPort(v: string): boolean {
  const host = "[A-Za-z0-9\\-.]+";
  if (new RegExp(`^(${IPV4_RE}|${host})(?::(\\d+))?$`).test(v)) return true;
  if (new RegExp(`^\\[(${IPV6_RE}|${IPV4_RE}|${host})\\](?::(\\d+))?$`).test(v)) return true;
  return new RegExp(`^(${IPV6_RE})(?:\\.(\\d+))?$`).test(v);
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

/** `pve_verify_startup_order` (`pve_parse_startup_order`): comma-separated `[order=]N`, `up=N`, `down=N`; "0" and "" are no order. */
function startupOrder(v: string): string | undefined {
  const ok = v !== "" && v !== "0" && v.split(",").every((part) => /^\s*$/.test(part) || /^(?:(?:order=)?\d+|up=\d+|down=\d+)$/.test(part));
  return ok ? undefined : "unable to parse startup options";
}

/**
 * One entry of a `storage-pair-list`/`bridge-pair-list` (`$verify_idpair` → `parse_idmap`): `1`,
 * `<source>:<target>` or a default target, each ID of the pair's format.
 */
function idPair(idCheck: FormatCheck): FormatCheck {
  return (v) => {
    for (const entry of splitList(v)) {
      if (entry === "1") continue;
      const pair = /^([^:]+):([^:]+)$/.exec(entry);
      const err = pair?.[1] !== undefined && pair[2] !== undefined ? (idCheck(pair[1]) ?? idCheck(pair[2])) : idCheck(entry);
      if (err) return `entry '${entry}' contains invalid ID - ${err}`;
    }
    return undefined;
  };
}

/** pve-network `parse_sdn_subnet_id`: a CIDR, or PVE's `<zone>-<address>-<prefix>` id of one. */
function sdnSubnetId(v: string): string | undefined {
  const parts = v.split("-");
  const asCidr = v.includes("/") ? v : `${parts[1] ?? ""}/${parts[2] ?? ""}`;
  return anyCidr(asCidr) ? undefined : "value does not look like a valid CIDR network";
}

/** `PVE::JSONSchema::parse_size`: digits with an optional fraction and a K/M/G/T unit (optionally `iB`). */
const DISK_SIZE_RE = /^(\d+(\.\d+)?)([KMGT](?:iB)?)?$/;

/** Perl's `split("/", $name)` count: trailing empty fields are dropped. */
function perlSplitCount(value: string, separator: string): number {
  const parts = value.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts.length;
}

/** Privilege names are validated by the access model, which owns the privilege list. */
let privilegeCheck: (priv: string) => boolean = () => true;

/** Lets the simulator's access model install the real privilege list for `pve-priv`. */
export function setPrivilegeCheck(check: (priv: string) => boolean): void {
  privilegeCheck = check;
}

const storageId = parseId("storage");
const bridgeId: FormatCheck = (v) => (/^[-_.\w\d]+$/.test(v) ? undefined : `invalid bridge ID '${v}'`);

/** The named formats by the name PVE registers them under (without `-list`/`-opt`). */
export const PVE_FORMATS: Readonly<Record<string, FormatCheck>> = {
  // `register_format('string', sub { })`: lets `string-list` split without checking entries.
  string: () => undefined,
  urlencoded: (v) => (/^[-%a-zA-Z0-9_.!~*'()]*$/.test(v) ? undefined : `invalid urlencoded string: ${v}`),
  "pve-node": (v) => (NODE_RE.test(v) ? undefined : "value does not look like a valid node name"),
  "pve-userid": userid,
  "pve-tokenid": (v) => (TOKEN_RE.test(v) ? undefined : `value '${v}' does not look like a valid token ID`),
  "email-or-username": (v) => (EMAIL_RE.test(v) || EMAIL_USER_RE.test(v) ? undefined : "value does not look like a valid email address or user name"),
  "pve-groupid": (v) => (NAME_RE.test(v) ? undefined : `group name '${v}' contains invalid characters`),
  "pve-roleid": (v) => (NAME_RE.test(v) ? undefined : `role name '${v}' contains invalid characters`),
  "pve-poolid": (v) => {
    if (perlSplitCount(v, "/") > 3) return `pool name '${v}' nested too deeply (max levels = 3)`;
    return /^[A-Za-z0-9.\-_]+(?:\/[A-Za-z0-9.\-_]+){0,2}$/.test(v) ? undefined : `pool name '${v}' contains invalid characters`;
  },
  "pve-realm": (v) => (new RegExp(`^${REALM_RE}$`).test(v) ? undefined : "value does not look like a valid realm"),
  "pve-priv": (v) => (privilegeCheck(v) ? undefined : `invalid privilege '${v}'`),
  "pve-storage-id": storageId,
  "pve-bridge-id": bridgeId,
  "acme-plugin-id": parseId("ACME plugin"),
  "storage-pair": idPair(storageId),
  "bridge-pair": idPair(bridgeId),
  "pve-configid": (v) => (CONFIGID_RE.test(v) ? undefined : `invalid configuration ID '${v}'`),
  "pve-vmid": (v) => (/^[1-9][0-9]{2,8}$/.test(v) ? undefined : "value does not look like a valid VM ID"),
  email: (v) => (EMAIL_RE.test(v) ? undefined : "value does not look like a valid email address"),
  "mac-addr": (v) => (MAC_RE.test(v) ? undefined : "value does not look like a valid unicast MAC address"),
  ip: ip(0, "value does not look like a valid IP address"),
  ipv4: ip(4, "value does not look like a valid IPv4 address"),
  ipv6: ip(6, "value does not look like a valid IPv6 address"),
  address: (v) => (pveIpFamily(v) !== 0 || isDnsName(v) ? undefined : `value does not look like a valid address: ${v}`),
  "disk-size": (v) => (DISK_SIZE_RE.test(v) ? undefined : `value does not look like a valid disk size: ${v}`),
  "ldap-simple-attr": (v) => (/^[a-zA-Z0-9]+$/.test(v) ? undefined : `value '${v}' does not look like a simple ldap attribute name`),
  CIDR: (v) => (anyCidr(v) ? undefined : "value does not look like a valid CIDR network"),
  CIDRv4: (v) => (cidr(v, 4) ? undefined : "value does not look like a valid IPv4 CIDR network"),
  CIDRv6: (v) => (cidr(v, 6) ? undefined : "value does not look like a valid IPv6 CIDR network"),
  "pve-ipv4-config": (v) => (/^(?:dhcp|manual)$/.test(v) || cidr(v, 4) ? undefined : "value does not look like a valid ipv4 network configuration"),
  "pve-ipv6-config": (v) => (/^(?:auto|dhcp|manual)$/.test(v) || cidr(v, 6) ? undefined : "value does not look like a valid ipv6 network configuration"),
  "pve-sdn-subnet-id": sdnSubnetId,
  IPorCIDR: ipOrCidr,
  IPorCIDRorAlias: (v) => (IP_ALIAS_RE.test(v) ? undefined : ipOrCidr(v)),
  "dns-name": (v) => (isDnsName(v) ? undefined : "value does not look like a valid DNS name"),
  "pve-tag": (v) => (TAG_RE.test(v) ? undefined : "invalid characters in tag"),
  "pve-startup-order": startupOrder,
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
  "pve-storage-server": (v) => (pveIpFamily(v) !== 0 || isDnsName(v) ? undefined : "value does not look like a valid server name or IP address"),
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
 * `overrides` replace the table's checks by base name (the provider's friendlier texts).
 */
export function checkNamedFormat(format: string, value: string, overrides: Readonly<Record<string, FormatCheck>> = {}): string | undefined {
  const m = /^(.*?)(?:-(list|opt))?$/.exec(format);
  const name = m?.[1] ?? format;
  const kind = m?.[2];
  const check = overrides[name] ?? PVE_FORMATS[name];
  if (!check) return undefined;
  if (kind === "list") {
    for (const entry of splitList(value)) {
      const err = check(entry);
      if (err) return err;
    }
    return undefined;
  }
  // `check_format` checks an `-opt` value only when Perl finds it true ("" and "0" are not).
  if (kind === "opt" && (value === "" || value === "0")) return undefined;
  return check(value);
}

/** `parse_boolean`, as used inside property strings. */
export function parseLooseBoolean(value: string): 0 | 1 | undefined {
  if (/^(1|on|yes|true)$/i.test(value)) return 1;
  if (/^(0|off|no|false)$/i.test(value)) return 0;
  return undefined;
}
