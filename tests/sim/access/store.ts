/**
 * The state PVE keeps in `user.cfg` (users, tokens, groups, roles, ACLs, pools), in
 * `domains.cfg` (realms), `priv/shadow.cfg` (pve realm passwords), `priv/tfa.cfg` and the
 * token secrets. The core's auth and permission checks read it; the access model edits it.
 */
import { createHash, randomUUID } from "node:crypto";
import { BUILTIN_ROLES } from "./privileges";

/** An API token of a user. */
export interface TokenEntry {
  privsep: 0 | 1;
  expire: number;
  comment?: string;
  secret: string;
}

/** A user of `user.cfg`. */
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
  /** TOTP: the base32 secret; recovery: the unused keys. */
  readonly secret?: string;
  readonly recovery?: (string | undefined)[];
}

/** Realm config; secrets (e.g. `password`) are kept separately and never returned. */
export type RealmConfig = Record<string, string | number>;

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
    this.realms.set("pam", { type: "pam", comment: "Linux PAM standard authentication" });
    this.realms.set("pve", { type: "pve", comment: "Proxmox VE authentication server" });
    this.addUser("root@pam", { email: "root@example.invalid" });
    this.passwords.set("root@pam", rootPassword);
  }

  /** Creates a user entry (enabled, no expiry). */
  addUser(userid: string, fields: Partial<Omit<UserEntry, "groups" | "tokens">> = {}): UserEntry {
    const user: UserEntry = { enable: 1, expire: 0, ...fields, groups: new Set(), tokens: new Map() };
    this.users.set(userid, user);
    return user;
  }

  /** Creates a token with a fresh UUID secret. */
  addToken(userid: string, tokenid: string, fields: { privsep?: 0 | 1; expire?: number; comment?: string; secret?: string } = {}): TokenEntry {
    const user = this.users.get(userid);
    if (!user) throw new Error(`no such user ('${userid}')`);
    const token: TokenEntry = { privsep: fields.privsep ?? 1, expire: fields.expire ?? user.expire, secret: fields.secret ?? randomUUID() };
    if (fields.comment !== undefined) token.comment = fields.comment;
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

  /** `check_user_enabled`: the reason the user may not log in now, or undefined. */
  userDisabledReason(userid: string, nowSec: number): string | undefined {
    const user = this.users.get(userid);
    if (!user) return `no such user ('${userid}')`;
    if (!user.enable) return `user '${userid}' is disabled`;
    if (user.expire && user.expire < nowSec) return `user '${userid}' access expired`;
    return undefined;
  }

  /** SHA-1 of domains.cfg (realms). */
  domainsDigest(): string {
    return createHash("sha1").update(JSON.stringify([...this.realms])).digest("hex");
  }
}
