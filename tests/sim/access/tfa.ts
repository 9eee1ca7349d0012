/**
 * `/access/tfa` (`PVE::API2::TFA`): TOTP and recovery keys per user. Other types are
 * stored as given (their challenge flows need a browser). Missing entries are PVE's only 404.
 */
import { randomBytes } from "node:crypto";
import { SimError } from "../types";
import type { SimAuth } from "../types";
import { verifyTotp } from "../core/tickets";
import { permissionDenied } from "../core/permissions";
import type { AccessDeps, AccessInstaller } from "./common";
import { die, lockConfig, paramError, str } from "./common";
import type { TfaEntry } from "./store";

const LOCK = "file-priv_tfa_cfg";

function view(e: TfaEntry): Record<string, unknown> {
  return { id: e.id, type: e.type, description: e.description, created: e.created, ...(e.enable ? {} : { enable: 0 }) };
}

/**
 * `reauth_user_for_user_modification`: only root may modify root; everyone but root@pam
 * confirms with their own password.
 */
function reauth({ store }: AccessDeps, auth: SimAuth, userid: string, password: string | undefined): void {
  if (!store.users.has(userid)) throw die(`no such user ('${userid}')`);
  if (userid === "root@pam" && auth.userid !== "root@pam") throw permissionDenied();
  if (auth.userid === "root@pam") return;
  if (password === undefined) throw paramError({ password: "password is required to modify user" });
  if (store.passwords.get(auth.userid) !== password) throw new SimError(401, "authentication failure\n");
}

/** Extracts the secret of an `otpauth://totp/...?secret=...` URI. */
function totpSecret(uri: string): string {
  let secret: string | null = null;
  try {
    secret = new URL(uri).searchParams.get("secret");
  } catch {
    secret = null;
  }
  if (!secret) throw paramError({ totp: "missing TOTP secret" });
  return secret.toUpperCase();
}

/** Registers the TFA endpoints. */
export const installTfa: AccessInstaller = (register, ctx, deps) => {
  const { store, clock } = deps;
  const entries = (userid: string): TfaEntry[] => store.tfa.get(userid) ?? [];
  const find = (userid: string, id: string): TfaEntry => {
    const entry = entries(userid).find((e) => e.id === id);
    if (!entry) throw new SimError(404, `No such tfa entry '${id}'`);
    return entry;
  };

  register("GET", "/access/tfa", () => [...store.tfa].map(([userid, list]) => ({ userid, entries: list.map(view) })));
  register("GET", "/access/tfa/{userid}", (req) => entries(String(req.params["userid"])).map(view));
  register("GET", "/access/tfa/{userid}/{id}", (req) => view(find(String(req.params["userid"]), String(req.params["id"]))));

  register("POST", "/access/tfa/{userid}", (req) => {
    const userid = String(req.params["userid"]);
    reauth(deps, req.auth, userid, str(req.params, "password"));
    return lockConfig(ctx, LOCK, "adding tfa entry failed", () => {
      const type = String(req.params["type"]) as TfaEntry["type"];
      const created = Math.floor(clock.now() / 1000);
      const base = { id: `${type}-${randomBytes(4).toString("hex")}`, type, description: str(req.params, "description") ?? "", enable: 1 as const, created };
      const list = entries(userid);
      if (type === "recovery") {
        if (list.some((e) => e.type === "recovery")) throw die("user already has recovery keys");
        const keys = Array.from({ length: 10 }, () => randomBytes(8).toString("hex").replace(/(.{4})(?=.)/g, "$1-"));
        store.tfa.set(userid, [...list, { ...base, id: "recovery", recovery: keys }]);
        return { id: "recovery", recovery: keys };
      }
      if (type === "totp") {
        const secret = totpSecret(String(req.params["totp"] ?? ""));
        const code = str(req.params, "value");
        if (code === undefined) throw paramError({ value: "missing 'value' parameter for totp" });
        if (!verifyTotp(secret, code, clock.now())) throw die("failed to verify TOTP challenge");
        store.tfa.set(userid, [...list, { ...base, secret }]);
        return { id: base.id };
      }
      store.tfa.set(userid, [...list, base]);
      return { id: base.id };
    });
  });

  register("PUT", "/access/tfa/{userid}/{id}", (req) => {
    const userid = String(req.params["userid"]);
    reauth(deps, req.auth, userid, str(req.params, "password"));
    const entry = find(userid, String(req.params["id"]));
    const description = str(req.params, "description");
    if (description !== undefined) entry.description = description;
    if (req.params["enable"] !== undefined) entry.enable = req.params["enable"] === 1 ? 1 : 0;
    return null;
  });

  register("DELETE", "/access/tfa/{userid}/{id}", (req) => {
    const userid = String(req.params["userid"]);
    reauth(deps, req.auth, userid, str(req.params, "password"));
    const entry = find(userid, String(req.params["id"]));
    store.tfa.set(
      userid,
      entries(userid).filter((e) => e !== entry),
    );
    return null;
  });
};
