/**
 * PVE's permission model (`PVE::AccessControl::roles`, `RPCEnvironment::permissions`,
 * `check`, `check_any`, `exec_api2_perm_check`): ACLs on paths with propagation, the most
 * specific path winning, users over groups, tokens with privilege separation, pool
 * membership, `NoAccess`, and the `root@pam` shortcut.
 */
import { SimError } from "../types";
import type { AccessStore, AclNode, RoleGrants } from "../access/store";
import type { SchemaMethod } from "./schema";
import { splitList } from "./formats";

/** privilege → propagate flag, as `permissions()` returns it. */
export type PrivMap = Map<string, 0 | 1>;

/** `raise_perm_exc`: 403 `Permission check failed[ (what)]`. */
export function permissionDenied(what?: string): SimError {
  return new SimError(403, `Permission check failed${what ? ` (${what})` : ""}\n`);
}

/** `normalize_path`: one leading slash, no doubled or trailing slashes; undefined if unusable. */
export function normalizeAclPath(path: string): string | undefined {
  const p = `/${path}`.replace(/\/+/g, "/");
  const trimmed = p.length > 1 ? p.replace(/\/$/, "") : p;
  return /^\/[-\w.:/@!]*$/.test(trimmed) ? trimmed : undefined;
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
      const own = this.compile(subject, path);
      // privsep tokens: their own privileges, limited to what the user has.
      return new Map([...own].filter(([p]) => userPerms.has(p)));
    }
    return this.compile(userid, path);
  }

  /** Roles on the path plus pool-inherited roles, flattened to privileges. */
  private compile(subject: string, path: string): PrivMap {
    const roles = this.roles(subject, path);
    if (!roles.has("NoAccess")) {
      const member = /^\/(vms|storage)\/([^/]+)$/.exec(path);
      if (member) {
        for (const [poolid, pool] of this.store.pools) {
          const inPool = member[1] === "vms" ? pool.vms.has(Number(member[2])) : pool.storage.has(member[2] ?? "");
          if (!inPool) continue;
          for (const role of this.roles(subject, `/pool/${poolid}`).keys()) if (!roles.has(role)) roles.set(role, 1);
        }
      }
    }
    const privs: PrivMap = new Map();
    for (const [role, propagate] of roles) {
      for (const priv of this.store.roles.get(role) ?? []) privs.set(priv, (privs.get(priv) ?? 0) || propagate);
    }
    return privs;
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
        const path = normalizeAclPath(templateReplace(tmpl, params)) ?? "/";
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
