/**
 * PVE's permission model, from pve-access-control: `src/PVE/AccessControl.pm` (`roles`,
 * `normalize_path`) and `src/PVE/RPCEnvironment.pm` (`permissions`, `$compile_acl_path`,
 * `check`, `check_any`, `check_perm_modify`, `exec_api2_perm_check`, `check_api2_permissions`,
 * `get_effective_permissions`, `compute_api_permission`): ACLs on paths with propagation, the
 * most specific path winning, users over groups, tokens with privilege separation, pool
 * membership, `NoAccess`, and the `root@pam` shortcut.
 */
import { SimError } from "../types";
import type { AccessStore, AclNode, RoleGrants } from "../models/access/store";
import type { SchemaMethod } from "./schema";
import { splitList } from "../../../schema/pve-formats";

/** privilege → propagate flag, as `permissions()` returns it. */
export type PrivMap = Map<string, 0 | 1>;

/** `raise_perm_exc`: 403 `Permission check failed[ (what)]`. */
export function permissionDenied(what?: string): SimError {
  return new SimError(403, `Permission check failed${what ? ` (${what})` : ""}\n`);
}

/**
 * `normalize_path`: doubled slashes collapsed, one trailing slash dropped, a leading slash added;
 * undefined for an empty path or one with characters other than letters, digits, `.`, `-`, `_`, `/`.
 */
export function normalizeAclPath(path: string): string | undefined {
  if (path === "" || path === "0") return undefined;
  let p = path.replace(/\/+/g, "/").replace(/\/$/, "");
  if (p === "") p = "/";
  if (!p.startsWith("/")) p = `/${p}`;
  return /^[A-Za-z0-9._/-]+$/.test(p) ? p : undefined;
}

/** `PVE::Tools::template_replace`: `{name}` → parameter value. */
function templateReplace(tmpl: string, params: Readonly<Record<string, unknown>>): string {
  return tmpl.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const v = params[name];
    return v === undefined || v === null ? "" : String(v);
  });
}

/** Splits `user@realm!token`; undefined token for plain users. */
function splitSubject(subject: string): { userid: string; token?: string } {
  const bang = subject.lastIndexOf("!");
  return bang > 0 ? { userid: subject.slice(0, bang), token: subject.slice(bang + 1) } : { userid: subject };
}

/** Evaluates permissions against an {@link AccessStore}. */
export class PermissionEngine {
  constructor(private readonly store: AccessStore) {}

  /** `roles($cfg, $user, $path)`: role → propagate, walking from `/` to `path`. */
  roles(subject: string, path: string): RoleGrants {
    const { userid, token } = splitSubject(subject);
    const segments = path === "/" ? [""] : path.split("/");
    let roles: RoleGrants = new Map();
    let current = "";
    segments.forEach((seg, i) => {
      current = seg === "" ? current : `${current}/${seg}`;
      const node: AclNode | undefined = this.store.acl.get(current === "" ? "/" : current);
      if (!node) return;
      const final = i === segments.length - 1;
      const pick = (grants: RoleGrants | undefined): RoleGrants | undefined => {
        if (!grants) return undefined;
        const out: RoleGrants = new Map();
        for (const [role, propagate] of grants) if (final || propagate) out.set(role, propagate);
        return out.size ? out : undefined;
      };
      const fromToken = token !== undefined ? pick(node.tokens.get(subject)) : undefined;
      if (fromToken) return void (roles = fromToken);
      if (token !== undefined) return;
      const fromUser = pick(node.users.get(userid));
      if (fromUser) return void (roles = fromUser);
      const fromGroups: RoleGrants = new Map();
      for (const [group, grants] of node.groups) {
        if (!this.store.groups.get(group)?.users.has(userid)) continue;
        for (const [role, propagate] of pick(grants) ?? []) fromGroups.set(role, propagate);
      }
      if (fromGroups.size) roles = fromGroups;
    });
    const noAccess = roles.get("NoAccess");
    return noAccess !== undefined ? new Map([["NoAccess", noAccess]]) : roles;
  }

  /** `permissions($user, $path)`: the privileges `subject` (user or `user!token`) has on `path`. */
  permissions(subject: string, path: string): PrivMap {
    if (subject === "root@pam") return new Map([...(this.store.roles.get("Administrator") ?? [])].map((p) => [p, 1]));
    const { userid, token } = splitSubject(subject);
    if (token !== undefined) {
      const info = this.store.users.get(userid)?.tokens.get(token);
      if (!info) return new Map();
      const userPerms = this.permissions(userid, path);
      if (!info.privsep) return userPerms;
      // privsep tokens: their own privileges, limited to what the user has; a privilege
      // propagates only where it does for both.
      const own = this.compile(subject, path);
      const both: PrivMap = new Map();
      for (const [p, propagate] of own) {
        const mine = userPerms.get(p);
        if (mine !== undefined) both.set(p, mine && propagate ? 1 : 0);
      }
      return both;
    }
    return this.compile(userid, path);
  }

  /**
   * Roles on the path plus the roles of the pools it is a member of (`$compile_acl_path`): a
   * pool's roles never propagate, a pool's `NoAccess` trumps the path's own roles, and the path's
   * own `NoAccess` trumps the pool's.
   */
  private compile(subject: string, path: string): PrivMap {
    let roles = this.roles(subject, path);
    const member = /^\/(vms|storage)\/([^/]+)$/.exec(path);
    const poolRoles = new Set<string>();
    if (member) {
      for (const [poolid, pool] of this.store.pools) {
        const inPool = member[1] === "vms" ? pool.vms.has(Number(member[2])) : pool.storage.has(member[2] ?? "");
        if (inPool) for (const role of this.roles(subject, `/pool/${poolid}`).keys()) poolRoles.add(role);
      }
    }
    if (poolRoles.size && !roles.has("NoAccess")) {
      if (poolRoles.has("NoAccess")) roles = new Map([["NoAccess", 0]]);
      else for (const role of poolRoles) if (!roles.has(role)) roles.set(role, 0);
    }
    const privs: PrivMap = new Map();
    for (const [role, propagate] of roles) {
      for (const priv of this.store.roles.get(role) ?? []) privs.set(priv, (privs.get(priv) ?? 0) || propagate);
    }
    return privs;
  }

  /**
   * `get_effective_permissions`: privileges per path, for the top-level paths, every ACL path and
   * every pool member path; paths without privileges are left out.
   */
  effectivePermissions(subject: string): Record<string, Record<string, number>> {
    const paths = new Set(["/", "/access", "/access/groups", "/nodes", "/pool", "/sdn", "/storage", "/vms", ...this.store.acl.keys()]);
    for (const pool of this.store.pools.values()) {
      for (const vmid of pool.vms) paths.add(`/vms/${vmid}`);
      for (const storage of pool.storage) paths.add(`/storage/${storage}`);
    }
    const out: Record<string, Record<string, number>> = {};
    for (const path of [...paths].sort()) {
      const privs = this.permissions(subject, path);
      if (privs.size) out[path] = Object.fromEntries([...privs].sort(([a], [b]) => (a < b ? -1 : 1)));
    }
    return out;
  }

  /**
   * `compute_api_permission`: a login's `cap`, the privileges per GUI area. Each checked path
   * counts for the area of its first segment (`/` is `dc`); a pool path lends its `VM.*` to `vms`,
   * its `Datastore.*` to `storage`, and `Permissions.Modify` to both.
   */
  apiCapabilities(subject: string): Record<string, Record<string, number>> {
    const areas: Record<string, RegExp> = {
      vms: /^(VM\.|Permissions\.Modify)/,
      access: /^((User|Group)\.|Permissions\.Modify)/,
      storage: /^(Datastore\.|Permissions\.Modify)/,
      nodes: /^(Sys\.|Permissions\.Modify)/,
      sdn: /^(SDN\.|Permissions\.Modify)/,
      dc: /^(Sys\.Audit|Sys\.Modify|SDN\.)/,
      mapping: /^(Mapping\.|Permissions.Modify)/,
    };
    const cap: Record<string, Record<string, number>> = Object.fromEntries(Object.keys(areas).map((area) => [area, {}]));
    const paths = new Set(["/", "/nodes", "/access/groups", "/vms", "/storage", "/sdn", "/mapping", ...this.store.acl.keys()]);
    for (const path of paths) {
      const privs = [...this.permissions(subject, path).keys()];
      const top = /^\/(\w+)/.exec(path)?.[1] ?? "dc";
      if (top === "pool") {
        for (const priv of privs) {
          if (/^VM\./.test(priv)) (cap["vms"] as Record<string, number>)[priv] = 1;
          else if (/^Datastore\./.test(priv)) (cap["storage"] as Record<string, number>)[priv] = 1;
          else if (priv === "Permissions.Modify") {
            (cap["storage"] as Record<string, number>)[priv] = 1;
            (cap["vms"] as Record<string, number>)[priv] = 1;
          }
        }
        continue;
      }
      const re = areas[top];
      const area = cap[top];
      if (!re || !area) continue;
      for (const priv of privs) if (re.test(priv)) area[priv] = 1;
    }
    return cap;
  }

  /** `check`/`check_any`: true, or false with `noerr`, or throws PVE's 403. */
  check(subject: string, path: string, privs: readonly string[], any: boolean, noerr = false): boolean {
    const perms = this.permissions(subject, path);
    if (any) {
      if (privs.some((p) => perms.has(p))) return true;
      if (noerr) return false;
      throw permissionDenied(`${path}, ${privs.join("|")}`);
    }
    for (const priv of privs) {
      if (perms.has(priv)) continue;
      if (noerr) return false;
      throw permissionDenied(`${path}, ${priv}`);
    }
    return true;
  }

  /** `check_api2_permissions` for a method's `permissions`; `subject` is `user` or `user!token`. */
  checkMethod(def: SchemaMethod, subject: string, params: Readonly<Record<string, unknown>>): void {
    const perm = def.permissions;
    if (subject === "root@pam") return;
    if (!perm) throw permissionDenied("user != root@pam");
    if (perm.user === "all" || perm.user === "world") return;
    if (perm.check) {
      this.exec(perm.check, subject, params, false);
      return;
    }
    // Custom checks (prose only in the schema) are done by the handler; being authenticated is the floor.
  }

  private userExists(userid: unknown, noerr: boolean): boolean {
    if (typeof userid === "string" && this.store.users.has(userid)) return true;
    if (noerr) return false;
    throw new SimError(500, `no such user ('${String(userid)}')\n`);
  }

  /** `exec_api2_perm_check`. Unknown tests fail closed like PVE's `die "unknown permission test"`. */
  exec(check: readonly unknown[], subject: string, params: Readonly<Record<string, unknown>>, noerr: boolean): boolean {
    const [test, ...args] = check;
    switch (test) {
      case "and":
        for (const sub of args) this.exec(sub as unknown[], subject, params, false);
        return true;
      case "or":
        for (const sub of args) if (this.exec(sub as unknown[], subject, params, true)) return true;
        if (noerr) return false;
        throw permissionDenied();
      case "perm": {
        const [tmpl, privs, ...opts] = args as [string, string[], ...unknown[]];
        const options = new Map<unknown, unknown>();
        for (let i = 0; i + 1 < opts.length; i += 2) options.set(opts[i], opts[i + 1]);
        const requireParam = options.get("require_param");
        if (typeof requireParam === "string" && params[requireParam] === undefined) {
          if (noerr) return false;
          throw permissionDenied();
        }
        const path = normalizeAclPath(templateReplace(tmpl, params));
        // A path `normalize_path` refuses has no privileges at all (`permissions` on an undefined path).
        if (path === undefined) {
          if (noerr) return false;
          throw permissionDenied(`, ${options.get("any") ? privs.join("|") : (privs[0] ?? "")}`);
        }
        return this.check(subject, path, privs, Boolean(options.get("any")), noerr);
      }
      case "userid-group":
        return this.userIdGroup(args, subject, params, noerr);
      case "userid-param": {
        const userid = String(params["userid"] ?? "");
        if (args[0] === "self") {
          if (!this.userExists(userid, noerr)) return false;
          if (subject === userid) return true;
          if (noerr) return false;
          throw permissionDenied();
        }
        const realm = userid.slice(userid.lastIndexOf("@") + 1);
        return this.check(subject, `/access/realm/${realm}`, ["Realm.AllocateUser"], false, noerr);
      }
      case "perm-modify": {
        const path = normalizeAclPath(templateReplace(String(args[0]), params));
        if (path === undefined) return false;
        return this.checkPermModify(subject, path, noerr);
      }
      default:
        throw new SimError(500, "unknown permission test\n");
    }
  }

  /** `check_perm_modify`: Permissions.Modify, or the allocate privilege of the path's kind. */
  checkPermModify(subject: string, path: string, noerr: boolean): boolean {
    const privs = ["Permissions.Modify"];
    if (/^\/storage\/.+$/.test(path)) privs.push("Datastore.Allocate");
    else if (/^\/vms\/.+$/.test(path)) privs.push("VM.Allocate");
    else if (/^\/pool\/.+$/.test(path)) privs.push("Pool.Allocate");
    return this.check(subject, path, privs, true, noerr);
  }

  private userIdGroup(args: readonly unknown[], subject: string, params: Readonly<Record<string, unknown>>, noerr: boolean): boolean {
    const [privs, ...opts] = args as [string[], ...unknown[]];
    const groupsParam = opts[0] === "groups_param" ? String(opts[1]) : undefined;
    const userid = params["userid"];
    const checkExisting = groupsParam !== "create";
    if (checkExisting && !this.userExists(userid, noerr)) return false;
    if (this.check(subject, "/access/groups", privs, true, true)) return true;
    const allowed = [...this.store.groups.keys()].filter((g) => this.check(subject, `/access/groups/${g}`, privs, true, true));
    if (groupsParam) {
      const wanted = splitList(String(params["groups"] ?? ""));
      if (!wanted.length) throw permissionDenied(`/access/groups, ${privs.join("|")}`);
      for (const g of wanted) if (!allowed.includes(g)) throw permissionDenied(`/access/groups/${g}, ${privs.join("|")}`);
    }
    if (checkExisting) {
      const members = allowed.some((g) => this.store.groups.get(g)?.users.has(String(userid)));
      if (!members) {
        if (noerr) return false;
        throw permissionDenied();
      }
    }
    return true;
  }
}
