/**
 * The state PVE keeps in `user.cfg` (users, tokens, groups, roles, ACLs, pools), in
 * `domains.cfg` (realms), `priv/shadow.cfg` (pve realm passwords), `priv/tfa.cfg` and the
 * token secrets. The core's auth and permission checks read it; the access model edits it.
 *
 * Sources (pve-access-control): `src/PVE/AccessControl.pm` `parse_user_config`,
 * `write_user_config`, `userconfig_force_defaults`, `check_user_enabled`, `lookup_username`;
 * `src/PVE/Auth/Plugin.pm` `parse_config` (the built-in pam and pve realms).
 */
import { createHash, randomUUID } from "node:crypto";
import { die, perlTrue, storedText } from "./common";
import { BUILTIN_ROLES } from "./privileges";

/** An API token of a user. */
export interface TokenEntry {
  privsep: 0 | 1;
  /** 0: no expiry of its own (the user's expiry still applies). */
  expire: number;
  comment?: string;
  secret: string;
}

/** A user of `user.cfg`, with the keys `parse_user_config` gives it. */
export interface UserEntry {
  enable: 0 | 1;
  expire: number;
  firstname?: string;
  lastname?: string;
  email?: string;
  comment?: string;
  keys?: string;
  readonly groups: Set<string>;
  readonly tokens: Map<string, TokenEntry>;
}

/** A group of `user.cfg`. */
export interface GroupEntry {
  comment?: string;
  readonly users: Set<string>;
}

/** A pool of `user.cfg`. */
export interface PoolEntry {
  comment?: string;
  readonly vms: Set<number>;
  readonly storage: Set<string>;
}

/** role name → propagate flag (0/1), per subject. */
export type RoleGrants = Map<string, 0 | 1>;

/** The ACL entries on one path. */
export interface AclNode {
  readonly users: Map<string, RoleGrants>;
  readonly groups: Map<string, RoleGrants>;
  readonly tokens: Map<string, RoleGrants>;
}

/** A second factor of a user (`priv/tfa.cfg`). */
export interface TfaEntry {
  readonly id: string;
  readonly type: "totp" | "recovery" | "webauthn" | "yubico" | "u2f";
  description: string;
  enable: 0 | 1;
  readonly created: number;
  /** TOTP: the parsed `otpauth://` URI. */
  readonly totp?: TotpParams;
  /** Yubico: the key id (the first 12 characters of an OTP). */
  readonly key?: string;
  /** Recovery: the keys, `undefined` once used. */
  readonly recovery?: (string | undefined)[];
}

/** What a TOTP entry verifies codes with. */
export interface TotpParams {
  readonly secret: string;
  readonly digits: number;
  readonly period: number;
  readonly algorithm: "SHA1" | "SHA256" | "SHA512";
}

/** Realm config; secrets (e.g. `password`) are kept separately and never returned. */
export type RealmConfig = Record<string, string | number>;

/** What `parse_config` puts back into the built-in realms whatever domains.cfg says. */
export const BUILTIN_REALMS: Readonly<Record<string, RealmConfig>> = {
  pam: { type: "pam", plugin: "PVE::Auth::PAM", comment: "Linux PAM standard authentication" },
  pve: { type: "pve", comment: "Proxmox VE authentication server" },
};

/**
 * A user as it reads back after `write_user_config` + `parse_user_config`: text fields are
 * trimmed and kept only when true in Perl's sense; `email` is written as `$email || ''` and, being
 * followed by `comment` and `keys` on the line, reads back as `""` when one of them is set.
 */
export function settleUser(user: UserEntry): void {
  for (const key of ["firstname", "lastname", "comment", "keys"] as const) {
    const value = storedText(user[key]);
    if (value === undefined) delete user[key];
    else user[key] = value;
  }
  const email = storedText(user.email);
  if (email !== undefined) user.email = email;
  else if (user.comment !== undefined || user.keys !== undefined) user.email = "";
  else delete user.email;
}

/** The whole access-control state. */
export class AccessStore {
  readonly users = new Map<string, UserEntry>();
  readonly groups = new Map<string, GroupEntry>();
  /** Custom and built-in roles: name → privileges. */
  readonly roles = new Map<string, Set<string>>();
  /** ACL path (normalized, `/` or `/a/b`) → entries. */
  readonly acl = new Map<string, AclNode>();
  readonly pools = new Map<string, PoolEntry>();
  readonly realms = new Map<string, RealmConfig>();
  readonly realmSecrets = new Map<string, string>();
  /** Passwords of pam and pve users (the simulator plays both PAM and shadow.cfg). */
  readonly passwords = new Map<string, string>();
  readonly tfa = new Map<string, TfaEntry[]>();

  constructor(rootPassword: string) {
    for (const [name, privs] of Object.entries(BUILTIN_ROLES)) this.roles.set(name, new Set(privs));
    for (const [realm, cfg] of Object.entries(BUILTIN_REALMS)) this.realms.set(realm, { ...cfg });
    this.addUser("root@pam", { email: "root@example.invalid" });
    this.passwords.set("root@pam", rootPassword);
  }

  /** Creates a user entry (enabled, no expiry). */
  addUser(userid: string, fields: Partial<Omit<UserEntry, "groups" | "tokens">> = {}): UserEntry {
    const user: UserEntry = { enable: 1, expire: 0, ...fields, groups: new Set(), tokens: new Map() };
    settleUser(user);
    this.users.set(userid, user);
    return user;
  }

  /** Creates a token with a fresh UUID secret; without `expire` it has no expiry of its own. */
  addToken(userid: string, tokenid: string, fields: { privsep?: 0 | 1; expire?: number; comment?: string; secret?: string } = {}): TokenEntry {
    const user = this.users.get(userid);
    if (!user) throw new Error(`no such user ('${userid}')`);
    const token: TokenEntry = { privsep: fields.privsep ?? 1, expire: fields.expire ?? 0, secret: fields.secret ?? randomUUID() };
    const comment = storedText(fields.comment);
    if (comment !== undefined) token.comment = comment;
    user.tokens.set(tokenid, token);
    return token;
  }

  /** The ACL node of `path`, created on demand. */
  aclNode(path: string): AclNode {
    let node = this.acl.get(path);
    if (!node) {
      node = { users: new Map(), groups: new Map(), tokens: new Map() };
      this.acl.set(path, node);
    }
    return node;
  }

  /**
   * `write_user_config` + `parse_user_config` on the ACL tree: entries without roles vanish,
   * `root@pam`'s are never written ("it is always 'Administrator'"), and entries naming a role
   * that no longer exists are dropped on the next parse.
   */
  settleAcl(): void {
    for (const [path, node] of this.acl) {
      node.users.delete("root@pam");
      for (const entries of [node.users, node.groups, node.tokens]) {
        for (const [id, grants] of entries) {
          for (const role of grants.keys()) if (!this.roles.has(role)) grants.delete(role);
          if (grants.size === 0) entries.delete(id);
        }
      }
      if (!node.users.size && !node.groups.size && !node.tokens.size) this.acl.delete(path);
    }
  }

  /**
   * `lookup_username`: in a realm with `case-sensitive 0`, the existing user whose id matches
   * ignoring case (PVE refuses an ambiguous match); otherwise the id as given.
   */
  lookupUsername(userid: string): string {
    const realm = userid.slice(userid.lastIndexOf("@") + 1);
    if (perlTrue(this.realms.get(realm)?.["case-sensitive"] ?? 1)) return userid;
    const matches = [...this.users.keys()].filter((id) => id.toLowerCase() === userid.toLowerCase());
    if (matches.length > 1) throw die(`ambiguous case insensitive match of username '${userid}', cannot safely grant access!`);
    return matches[0] ?? userid;
  }

  /** `check_user_enabled`: the reason the user may not log in now, or undefined. */
  userDisabledReason(userid: string, nowSec: number): string | undefined {
    const user = this.users.get(userid);
    if (!user) return `no such user ('${userid}')`;
    if (!user.enable) return `user '${userid}' is disabled`;
    if (user.expire && user.expire < nowSec) return `user '${userid}' access expired`;
    return undefined;
  }

  /** The direct sub-pools of `poolid` (user.cfg records each pool's parent). */
  childPools(poolid: string): string[] {
    return [...this.pools.keys()].filter((id) => id.startsWith(`${poolid}/`) && !id.slice(poolid.length + 1).includes("/")).sort();
  }

  /** SHA-1 of domains.cfg (realms). */
  domainsDigest(): string {
    return createHash("sha1")
      .update(JSON.stringify([...this.realms]))
      .digest("hex");
  }
}
