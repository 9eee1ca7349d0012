/**
 * `/access`, `/access/ticket`, `/access/password`, `/access/permissions`, as pve-access-control
 * `src/PVE/API2/AccessControl.pm` serves them (`index`, `create_ticket` with `create_ticket_do`
 * and `verify_auth`, `change_password`, `permissions`), and the login steps of
 * `src/PVE/AccessControl.pm` (`authenticate_user`, `authenticate_2nd_new_do`, `verify_ticket`):
 * password or ticket renewal, the second factor (TOTP, recovery keys, Yubico realms, realm-enforced
 * TFA) through a half ticket `PVE:!tfa!<challenge>:...`, and permission listings.
 */
import { SimError } from "../../types";
import type { PermissionEngine } from "../../core/permissions";
import { normalizeAclPath } from "../../core/permissions";
import { permissionDenied } from "../../core/permissions";
import type { AccessDeps, AccessInstaller } from "./common";
import { die, subjectOf } from "./common";
import { authenticatePassword, reauthForUserModification, setPassword } from "./passwords";
import { realmTfa, tfaChallenge, verifySecondFactor } from "./tfa-login";

/** Any login failure: PVE hides the reason ("do not return any info to prevent user enumeration"). */
const authFailure = (): SimError => new SimError(401, "authentication failure\n");

/**
 * `authenticate_2nd_new_do` for the first step (no challenge yet): the challenge the user must
 * answer (undefined when none), or an error. An `otp` sent with the password is verified right
 * away, and PVE then still hands out the challenge.
 */
function firstFactorChallenge(deps: AccessDeps, userid: string, otp: string | undefined): string | undefined {
  const { store, clock } = deps;
  const enforced = realmTfa(store, userid);
  // A Yubico realm answers the first step with its challenge, whatever came along.
  if (enforced === "yubico") {
    const recovery = tfaChallenge(store, userid)?.["recovery"];
    return JSON.stringify({ yubico: true, ...(recovery !== undefined ? { recovery } : {}) });
  }
  const responseType = otp === undefined ? undefined : /^([^:]+):/.exec(otp)?.[1];
  if (otp !== undefined && responseType === undefined) throw die("bad otp response");
  if (enforced && responseType && responseType !== "recovery" && responseType !== enforced) throw die(`realm requires ${enforced} authentication`);
  const challenge = tfaChallenge(store, userid);
  if (enforced && challenge === undefined) throw die("missing required 2nd keys");
  if (otp !== undefined) {
    if (challenge === undefined) throw die("no such challenge");
    if (!verifySecondFactor(store, userid, challenge, otp, clock.now())) throw die("failed 2nd factor");
  }
  return challenge === undefined ? undefined : JSON.stringify(challenge);
}

/** `compute_api_permission` plus the cluster name (PVE adds it when the user may audit `/`). */
function loginExtras(perms: PermissionEngine, nodes: readonly string[], userid: string, cap: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = cap ? { cap: perms.apiCapabilities(userid) } : {};
  if (nodes.length > 1 && perms.check(userid, "/", ["Sys.Audit"], false, true)) out["clustername"] = "sim";
  return out;
}

/** The user a valid, complete login ticket names (no half ticket), or undefined. */
function ticketUser(deps: AccessDeps, ticket: string, nowSec: number): string | undefined {
  return deps.signer.verifyLogin(ticket, nowSec);
}

/** Registers the ticket, password and permission endpoints. */
export const installTicket: AccessInstaller = (register, ctx, deps) => {
  const { store, signer, perms, clock } = deps;
  const nowSec = (): number => Math.floor(clock.now() / 1000);

  // Subclasses in registration order, then the two plain paths (`index` of API2/AccessControl.pm).
  register("GET", "/access", () => ["users", "groups", "roles", "acl", "domains", "openid", "tfa", "ticket", "password"].map((subdir) => ({ subdir })));
  register("GET", "/access/ticket", () => null);

  register("POST", "/access/ticket", (req) => {
    const p = req.params;
    let username = String(p["username"]);
    if (p["realm"] !== undefined) username = `${username}@${String(p["realm"])}`;
    const password = String(p["password"]);
    const otp = p["otp"] === undefined ? undefined : String(p["otp"]);
    const challenge = p["tfa-challenge"] === undefined ? undefined : String(p["tfa-challenge"]);
    let result: Record<string, unknown>;
    let needTfa: string | undefined;
    // `lookup_username` runs before the eval that hides every failure: an ambiguous name is a 500.
    username = store.lookupUsername(username);
    try {
      if (store.userDisabledReason(username, nowSec())) throw authFailure();
      if (p["path"] !== undefined && p["privs"] !== undefined) {
        // `verify_auth`: a ticket of the same user (no root@pam shortcut here) or the password.
        const path = String(p["path"]);
        const normpath = normalizeAclPath(path);
        if (normpath === undefined) throw die(`invalid path - ${path}`);
        if (ticketUser(deps, password, nowSec()) !== username) {
          authenticatePassword(store, username, password);
          firstFactorChallenge(deps, username, otp);
        }
        const privs = String(p["privs"])
          .split(/[,;\s]+/)
          .filter(Boolean);
        if (!privs.length || !perms.check(username, normpath, privs, false, true)) throw die(`no permission (${path}, ${String(p["privs"])})`);
        result = { username };
      } else {
        if (otp !== undefined && challenge !== undefined) throw die("TFA response should be in 'password', not 'otp' when 'tfa-challenge' is set");
        const renewing = challenge === undefined ? ticketUser(deps, password, nowSec()) : undefined;
        if (renewing !== undefined && (renewing === "root@pam" || renewing === username)) {
          // A valid ticket of the same user, or root@pam's, stands in for the password: no second factor.
        } else if (challenge !== undefined) {
          // The second step: the half ticket is bound to the user (its signature covers the user id).
          const data = signer.verify(challenge, nowSec(), username);
          if (data === undefined || !data.startsWith("!tfa!")) throw die("bad ticket");
          const open = JSON.parse(data.slice(5)) as Record<string, unknown>;
          if (!verifySecondFactor(store, username, open, password, clock.now())) throw die("failed 2nd factor");
        } else {
          authenticatePassword(store, username, password);
          needTfa = firstFactorChallenge(deps, username, otp);
        }
        result =
          needTfa !== undefined
            ? { username, ticket: signer.assemble(`!tfa!${needTfa}`, nowSec(), username), CSRFPreventionToken: signer.csrfFor(username, nowSec()), NeedTFA: 1 }
            : { username, ticket: signer.ticketFor(username, nowSec()), CSRFPreventionToken: signer.csrfFor(username, nowSec()) };
      }
    } catch {
      throw authFailure();
    }
    return { ...result, ...loginExtras(perms, ctx.nodes, username, needTfa === undefined) };
  });

  register("PUT", "/access/password", (req) => {
    const userid = String(req.params["userid"]);
    const confirm = req.params["confirmation-password"] === undefined ? undefined : String(req.params["confirmation-password"]);
    reauthForUserModification(store, req.auth, userid, confirm, "confirmation-password");
    const realm = userid.slice(userid.lastIndexOf("@") + 1);
    if (req.auth.userid !== "root@pam") {
      if (req.auth.userid === userid) {
        const disabled = store.userDisabledReason(userid, nowSec());
        if (disabled) throw die(disabled);
      } else if (realm === "pam") {
        // Only root@pam may change a system user's password.
        throw permissionDenied();
      }
    }
    setPassword(store, userid, String(req.params["password"]));
    return null;
  });

  register("GET", "/access/permissions", (req) => {
    const self = subjectOf(req.auth);
    const target = req.params["userid"] === undefined ? self : String(req.params["userid"]);
    const bang = target.lastIndexOf("!");
    const owner = bang > 0 ? target.slice(0, bang) : undefined;
    if (target !== self && owner !== self) perms.check(self, "/access", ["Sys.Audit"], false);
    const raw = req.params["path"];
    if (raw === undefined || raw === "" || raw === "0") return perms.effectivePermissions(target);
    const path = normalizeAclPath(String(raw));
    const privs = path === undefined ? new Map() : perms.permissions(target, path);
    // The answer is keyed by the path as given.
    return { [String(raw)]: Object.fromEntries([...privs].sort(([a], [b]) => (a < b ? -1 : 1))) };
  });
};
