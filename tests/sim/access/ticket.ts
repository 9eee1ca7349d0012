/**
 * `/access`, `/access/ticket`, `/access/password`, `/access/permissions`
 * (`PVE::API2::AccessControl`): login with password or ticket (renewal), the TOTP/recovery
 * second step, and permission listings.
 */
import { SimError } from "../types";
import { verifyTotp } from "../core/tickets";
import { normalizeAclPath } from "../core/permissions";
import type { PermissionEngine } from "../core/permissions";
import type { AccessDeps, AccessInstaller } from "./common";
import { die, lockUserConfig, subjectOf } from "./common";

/** Any login failure: PVE hides the reason ("do not return any info"). */
const authFailure = (): SimError => new SimError(401, "authentication failure\n");

/** `compute_api_permission`: the `cap` of a login, privileges by area. */
function computeCap(perms: PermissionEngine, deps: AccessDeps, userid: string): Record<string, Record<string, number>> {
  const areas: Record<string, [RegExp, string]> = {
    vms: [/^VM\.|^Permissions\.Modify$/, "/vms"],
    access: [/^(User|Group)\.|^Permissions\.Modify$/, "/access/groups"],
    storage: [/^Datastore\.|^Permissions\.Modify$/, "/storage"],
    nodes: [/^Sys\.|^Permissions\.Modify$/, "/nodes"],
    sdn: [/^SDN\.|^Permissions\.Modify$/, "/sdn"],
    dc: [/^Sys\.Audit$|^Sys\.Modify$|^SDN\./, "/"],
    mapping: [/^Mapping\.|^Permissions\.Modify$/, "/mapping"],
  };
  const cap: Record<string, Record<string, number>> = {};
  for (const [area, [re, root]] of Object.entries(areas)) {
    const paths = [root, ...[...deps.store.acl.keys()].filter((p) => root === "/" || p.startsWith(`${root}/`))];
    const privs: Record<string, number> = {};
    for (const path of root === "/" ? ["/"] : paths) for (const priv of perms.permissions(userid, path).keys()) if (re.test(priv)) privs[priv] = 1;
    cap[area] = privs;
  }
  return cap;
}

/** Registers the ticket, password and permission endpoints. */
export const installTicket: AccessInstaller = (register, ctx, deps) => {
  const { store, signer, perms, clock } = deps;
  const nowSec = (): number => Math.floor(clock.now() / 1000);

  register("GET", "/access", () => ["users", "groups", "roles", "acl", "domains", "ticket", "password", "tfa", "permissions", "openid"].map((subdir) => ({ subdir })));
  register("GET", "/access/ticket", () => null);

  register("POST", "/access/ticket", (req) => {
    const p = req.params;
    let username = String(p["username"]);
    if (p["realm"] !== undefined && !username.includes("@")) username = `${username}@${String(p["realm"])}`;
    const password = String(p["password"]);
    const challenge = p["tfa-challenge"] === undefined ? undefined : String(p["tfa-challenge"]);
    let needTfa = false;
    try {
      if (p["otp"] !== undefined && challenge !== undefined) throw die("TFA response should be in 'password', not 'otp' when 'tfa-challenge' is set");
      if (store.userDisabledReason(username, nowSec())) throw authFailure();
      const ticketUser = challenge === undefined ? signer.verifyLogin(password, nowSec()) : undefined;
      if (ticketUser !== undefined && (ticketUser === "root@pam" || ticketUser === username)) {
        // Renewal: a valid ticket of the same user (or root@pam's) stands in for the password.
      } else if (challenge !== undefined) {
        const data = signer.verify(challenge, nowSec(), username);
        if (data === undefined || !data.startsWith("!tfa!")) throw authFailure();
        const m = /^([^:]+):(.*)$/.exec(password);
        if (!m) throw die("bad otp response");
        const [, type, value = ""] = m;
        const list = store.tfa.get(username) ?? [];
        const ok =
          type === "totp"
            ? list.some((e) => e.type === "totp" && e.enable && e.secret && verifyTotp(e.secret, value, clock.now()))
            : type === "recovery" && list.some((e) => {
                const i = e.type === "recovery" ? (e.recovery ?? []).indexOf(value) : -1;
                if (i >= 0 && e.recovery) e.recovery[i] = undefined;
                return i >= 0;
              });
        if (!ok) throw authFailure();
      } else {
        if (store.passwords.get(username) !== password) throw authFailure();
        needTfa = (store.tfa.get(username) ?? []).some((e) => e.enable && (e.type === "totp" || e.type === "recovery"));
      }
    } catch {
      throw authFailure();
    }
    if (p["path"] !== undefined) {
      const path = normalizeAclPath(String(p["path"]));
      const privs = String(p["privs"]).split(/[,;\s]+/).filter(Boolean);
      if (!path || !perms.check(username, path, privs, false, true)) throw authFailure();
      return { username };
    }
    if (needTfa) {
      const types = (store.tfa.get(username) ?? []).filter((e) => e.enable).map((e) => e.type);
      const info = encodeURIComponent(JSON.stringify({ totp: types.includes("totp"), recovery: types.includes("recovery") ? "available" : undefined }));
      return { username, ticket: signer.assemble(`!tfa!${info}`, nowSec(), username), CSRFPreventionToken: signer.csrfFor(username, nowSec()), NeedTFA: 1 };
    }
    const res: Record<string, unknown> = {
      username,
      ticket: signer.ticketFor(username, nowSec()),
      CSRFPreventionToken: signer.csrfFor(username, nowSec()),
      cap: computeCap(perms, deps, username),
    };
    if (ctx.nodes.length > 1 && perms.check(username, "/", ["Sys.Audit"], false, true)) res["clustername"] = "sim";
    return res;
  });

  register("PUT", "/access/password", (req) => {
    const userid = String(req.params["userid"]);
    if (!store.users.has(userid)) throw die(`no such user ('${userid}')`);
    if (userid === "root@pam" && req.auth.userid !== "root@pam") throw new SimError(403, "Permission check failed\n");
    if (req.auth.userid !== "root@pam") {
      const confirm = req.params["confirmation-password"];
      if (confirm === undefined || store.passwords.get(req.auth.userid) !== String(confirm)) throw new SimError(401, "authentication failure\n");
    }
    const realm = userid.slice(userid.lastIndexOf("@") + 1);
    const type = store.realms.get(realm)?.["type"];
    if (type !== "pam" && type !== "pve") throw die(`can't set password on auth type '${String(type)}'`);
    return lockUserConfig(ctx, "change password failed", () => {
      store.passwords.set(userid, String(req.params["password"]));
      return null;
    });
  });

  register("GET", "/access/permissions", (req) => {
    const self = subjectOf(req.auth);
    const target = req.params["userid"] === undefined ? self : String(req.params["userid"]);
    if (target !== self && !target.startsWith(`${req.auth.userid}!`)) ctx.checkPermission(req.auth, "/access", "Sys.Audit");
    const path = req.params["path"] === undefined ? undefined : normalizeAclPath(String(req.params["path"]));
    const paths = path !== undefined ? [path] : [...new Set(["/", "/access", "/access/groups", "/nodes", "/sdn", "/storage", "/vms", "/mapping", "/pool", ...store.acl.keys()])].sort();
    const out: Record<string, Record<string, number>> = {};
    for (const p of paths) {
      const privs = perms.permissions(target, p);
      if (privs.size || path !== undefined) out[p] = Object.fromEntries([...privs].sort(([a], [b]) => a.localeCompare(b)));
    }
    return out;
  });
};
