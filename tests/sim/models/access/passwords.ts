/**
 * Passwords and re-authentication, as pve-access-control does them:
 * `PVE::AccessControl::domain_set_password` → the realm plugin's `store_password`
 * (`src/PVE/Auth/PVE.pm` writes priv/shadow.cfg, `PAM.pm` runs `usermod`, every other type dies in
 * `Plugin.pm`), the plugins' `authenticate_user`, and `PVE::RPCEnvironment::reauth_user_for_user_modification`.
 * The simulator plays PAM with its own password table: there are no Linux accounts behind it.
 */
import type { SimAuth } from "../../types";
import { permissionDenied } from "../../core/permissions";
import { die, paramError } from "./common";
import type { AccessStore } from "./store";

function realmOf(userid: string): string {
  return userid.slice(userid.lastIndexOf("@") + 1);
}

/** `domain_set_password`: the realm must exist, and only pam and pve realms hold passwords. */
export function setPassword(store: AccessStore, userid: string, password: string): void {
  const realm = realmOf(userid);
  const cfg = store.realms.get(realm);
  if (!cfg) throw die(`auth domain '${realm}' does not exist`);
  const type = String(cfg["type"]);
  if (type !== "pam" && type !== "pve") throw die(`can't set password on auth type '${type}'`);
  store.passwords.set(userid, password);
}

/**
 * The realm plugin's `authenticate_user`: throws its plain error (a 500 where the caller does not
 * hide it), e.g. the pve realm's `invalid credentials` / `no password set`.
 */
export function authenticatePassword(store: AccessStore, userid: string, password: string | undefined): void {
  const realm = realmOf(userid);
  const cfg = store.realms.get(realm);
  if (!cfg) throw die(`auth domain '${realm}' does not exist`);
  const type = String(cfg["type"]);
  if (type === "openid") throw die("OpenID realm does not allow password verification.");
  if (!password) throw die("no password");
  const known = store.passwords.get(userid);
  if (type === "pve") {
    if (known === undefined) throw die("no password set");
    if (known !== password) throw die("invalid credentials");
    return;
  }
  // PAM answers with pam_strerror; LDAP/AD bind against a directory the simulator does not have.
  if (type === "pam") {
    if (known !== password) throw die("Authentication failure");
    return;
  }
  throw die(`${type} authentication is not available: the simulator has no directory server`);
}

/**
 * `reauth_user_for_user_modification`: the target must exist, only root@pam may modify root@pam,
 * and everyone else confirms with their own password (`param` names the field, e.g.
 * `confirmation-password`), checked by their realm like a login.
 */
export function reauthForUserModification(store: AccessStore, auth: SimAuth, userid: string, password: string | undefined, param = "password"): void {
  if (!store.users.has(userid)) throw die(`no such user ('${userid}')`);
  if (userid === "root@pam" && auth.userid !== "root@pam") throw permissionDenied();
  if (auth.userid === "root@pam") return;
  if (password === undefined) throw paramError({ [param]: "password is required to modify user" });
  authenticatePassword(store, auth.userid, password);
}
