/**
 * `/access/tfa` as pve-access-control `src/PVE/API2/TFA.pm` serves it (`list_tfa`,
 * `list_user_tfa`, `get_tfa_entry`, `add_tfa_entry` with `validate_yubico_otp`,
 * `update_tfa_entry`, `delete_tfa`, `set_user_tfa_enabled`), through proxmox-perl-rs
 * `pve-rs/src/bindings/tfa.rs` (`api_*`: "no such entry") and proxmox-tfa `src/api/methods.rs`
 * (`list_user_tfa`, `get_tfa_entry`, `add_tfa_entry`, `add_totp`, `add_yubico`, `update_tfa_entry`,
 * `delete_tfa`), `src/api/mod.rs` (`add_recovery`, entry ids), `src/api/recovery.rs` (ten keys
 * `xxxx-xxxx-xxxx-xxxx`), `src/types.rs` (`TfaInfo`: `description` left out when empty, `enable`
 * when true) and `src/totp.rs` (`Totp::from_str`). Missing entries are PVE's only 404.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { SimError } from "../../types";
import { verifyTotp } from "../../core/tickets";
import type { AccessInstaller } from "./common";
import { die, lockConfig, lockUserConfig, str, subjectOf } from "./common";
import { reauthForUserModification } from "./passwords";
import type { AccessStore, TfaEntry, TotpParams } from "./store";
import { settleUser } from "./store";

const LOCK = "file-priv_tfa_cfg";
/** `to_data`: recovery keys first, then TOTP, WebAuthn, U2F and Yubico entries, each in creation order. */
const LIST_ORDER: readonly TfaEntry["type"][] = ["recovery", "totp", "webauthn", "u2f", "yubico"];

/** `TypedTfaInfo`: type, id, description (when not empty), created, enable (only when false: 0). */
function view(e: TfaEntry): Record<string, unknown> {
  return { type: e.type, id: e.id, ...(e.description !== "" ? { description: e.description } : {}), created: e.created, ...(e.enable ? {} : { enable: 0 }) };
}

function listed(entries: readonly TfaEntry[]): Record<string, unknown>[] {
  return LIST_ORDER.flatMap((type) => entries.filter((e) => e.type === type)).map(view);
}

/** `Totp::from_str`: parses an `otpauth://totp/<label>?<params>` URI the way proxmox-tfa does. */
export function parseTotpUri(uri: string): TotpParams {
  if (!uri.startsWith("otpauth://totp/")) throw die("not an otpauth uri");
  const rest = uri.slice("otpauth://totp/".length);
  const qmark = rest.indexOf("?");
  if (qmark < 0) throw die("missing '?' in otp uri");
  let secret = "";
  let digits = 6;
  let period = 30;
  let algorithm: TotpParams["algorithm"] = "SHA1";
  for (const part of rest.slice(qmark + 1).split("&")) {
    const eq = part.indexOf("=");
    if (eq < 0) throw die("bad value in otpauth uri");
    const key = decodeURIComponent(part.slice(0, eq));
    const value = decodeURIComponent(part.slice(eq + 1));
    const integer = (max: number): number => {
      if (!/^\+?[0-9]+$/.test(value)) throw die(value === "" ? "cannot parse integer from empty string" : "invalid digit found in string");
      const n = Number(value);
      if (n > max) throw die("number too large to fit in target type");
      return n;
    };
    if (key === "secret") {
      const clean = value.toUpperCase().replace(/=+$/, "");
      if (!/^[A-Z2-7]*$/.test(clean)) throw die("failed to decode otp secret in otpauth url");
      secret = clean;
    } else if (key === "digits") digits = integer(255);
    else if (key === "period") period = integer(Number.MAX_SAFE_INTEGER);
    else if (key === "algorithm") {
      if (value !== "SHA1" && value !== "SHA256" && value !== "SHA512") throw die(`unsupported algorithm: ${value}`);
      algorithm = value;
    } else if (key !== "issuer") throw die(`unrecognized otpauth uri parameter: ${key}`);
  }
  if (secret === "") throw die("missing secret in otpauth url");
  return { secret, digits, period, algorithm };
}

/** `set_user_tfa_enabled`: user.cfg's `keys` becomes `x` while the user has factors, and goes when the last one does. */
function markTfa(store: AccessStore, userid: string, enabled: boolean): void {
  const user = store.users.get(userid);
  if (!user) return;
  if (enabled) user.keys = "x";
  else delete user.keys;
  settleUser(user);
}

/** `validate_yubico_otp`: the realm's Yubico settings and PVE's local OTP checks; the key id is the OTP's first 12 characters. */
function yubicoKey(store: AccessStore, userid: string, otp: string | undefined): string {
  const realm = userid.slice(userid.lastIndexOf("@") + 1);
  const cfg = store.realms.get(realm);
  if (!cfg) throw die(`auth domain '${realm}' does not exist`);
  const tfa = cfg["tfa"];
  if (tfa === undefined) throw die(`no yubico otp configuration available for realm ${realm}`);
  const props = Object.fromEntries(
    String(tfa)
      .split(",")
      .map((kv) => (kv.includes("=") ? kv.split("=", 2) : ["type", kv])),
  );
  if (props["type"] !== "yubico") throw die("realm is not setup for Yubico OTP");
  // PVE::OTP::yubico_verify_otp, before it asks the Yubico servers (which the simulator cannot).
  if (otp === undefined) throw die("yubico: missing password");
  if (props["id"] === undefined) throw die("yubico: missing API ID");
  if (props["key"] === undefined) throw die("yubico: missing API KEY");
  if (otp.length < 32 || otp.length > 48) throw die("yubico: wrong OTP length");
  return otp.slice(0, 12);
}

/** Registers the TFA endpoints. */
export const installTfa: AccessInstaller = (register, ctx, deps) => {
  const { store, clock, perms } = deps;
  const entries = (userid: string): TfaEntry[] => store.tfa.get(userid) ?? [];
  const nowSec = (): number => Math.floor(clock.now() / 1000);

  register("GET", "/access/tfa", (req) => {
    const subject = subjectOf(req.auth);
    const privs = ["User.Modify", "Sys.Audit"];
    const all = perms.check(subject, "/access/groups", privs, true, true);
    const groups = [...store.groups].filter(([g]) => perms.check(subject, `/access/groups/${g}`, privs, true, true));
    const allowed = new Set(groups.flatMap(([, g]) => [...g.users]));
    return [...store.tfa]
      .filter(([userid, list]) => list.length && (all || userid === subject || allowed.has(userid)))
      .map(([userid, list]) => ({ userid, entries: listed(list) }));
  });

  register("GET", "/access/tfa/{userid}", (req) => listed(entries(String(req.params["userid"]))));

  register("GET", "/access/tfa/{userid}/{id}", (req) => {
    const id = String(req.params["id"]);
    const entry = entries(String(req.params["userid"])).find((e) => e.id === id);
    if (!entry) throw new SimError(404, `No such tfa entry '${id}'`);
    return view(entry);
  });

  register("POST", "/access/tfa/{userid}", async (req) => {
    const userid = String(req.params["userid"]);
    reauthForUserModification(store, req.auth, userid, str(req.params, "password"));
    const type = String(req.params["type"]) as TfaEntry["type"];
    const description = str(req.params, "description");
    const totp = str(req.params, "totp");
    const challenge = str(req.params, "challenge");
    let value = str(req.params, "value");
    if (type === "yubico") value = yubicoKey(store, userid, value);
    return lockConfig(ctx, LOCK, undefined, async () => {
      // Marked in user.cfg (under its own lock) before the entry is added: a refused entry leaves the mark.
      await lockUserConfig(ctx, "enabling TFA for the user failed", () => markTfa(store, userid, true));
      const base = { description: description ?? "", enable: 1 as const, created: nowSec() };
      const needDescription = (): string => {
        if (description === undefined) throw die("'description' is required for new entries");
        return description;
      };
      const add = (entry: TfaEntry): void => void store.tfa.set(userid, [...entries(userid), entry]);
      switch (type) {
        case "totp": {
          if (challenge !== undefined) throw die("'challenge' parameter is invalid for 'totp' entries");
          needDescription();
          if (totp === undefined || value === undefined) throw die("'totp' type requires both 'totp' and 'value' parameters");
          const params = parseTotpUri(totp);
          if (!verifyTotp(params.secret, value, clock.now(), params)) throw die("failed to verify TOTP challenge");
          const id = randomUUID();
          add({ ...base, id, type, totp: params });
          return { id };
        }
        case "recovery": {
          if (totp !== undefined || value !== undefined || challenge !== undefined)
            throw die("generating recovery tokens does not allow additional parameters");
          if (entries(userid).some((e) => e.type === "recovery")) throw die("user already has recovery keys");
          const keys = Array.from({ length: 10 }, () =>
            randomBytes(8)
              .toString("hex")
              .replace(/(.{4})(?=.)/g, "$1-"),
          );
          // The recovery entry has no description of its own (`TfaInfo::recovery`).
          add({ ...base, description: "", id: "recovery", type, recovery: [...keys] });
          return { id: "recovery", recovery: keys };
        }
        case "yubico": {
          if (totp !== undefined || challenge !== undefined) throw die("'totp' and 'challenge' parameters are invalid for 'yubico' entries");
          needDescription();
          const id = randomUUID();
          add({ ...base, id, type, key: value });
          return { id };
        }
        default: {
          // WebAuthn and U2F: a registration challenge needs datacenter.cfg's webauthn/u2f settings.
          if (totp !== undefined) throw die(`'totp' parameter is invalid for '${type}' entries`);
          if (challenge === undefined) needDescription();
          else if (value === undefined) throw die(`missing 'value' parameter (${type} challenge response missing)`);
          throw die(`no ${type} configuration available`);
        }
      }
    });
  });

  register("PUT", "/access/tfa/{userid}/{id}", (req) => {
    const userid = String(req.params["userid"]);
    reauthForUserModification(store, req.auth, userid, str(req.params, "password"));
    return lockConfig(ctx, LOCK, undefined, () => {
      // `find_entry_mut` skips the recovery entry: it cannot be changed.
      const entry = entries(userid).find((e) => e.id === String(req.params["id"]) && e.type !== "recovery");
      if (!entry) throw die("no such entry");
      const description = str(req.params, "description");
      if (description !== undefined) entry.description = description;
      if (req.params["enable"] !== undefined) entry.enable = req.params["enable"] === 1 ? 1 : 0;
      return null;
    });
  });

  register("DELETE", "/access/tfa/{userid}/{id}", async (req) => {
    const userid = String(req.params["userid"]);
    reauthForUserModification(store, req.auth, userid, str(req.params, "password"));
    const left = await lockConfig(ctx, LOCK, undefined, () => {
      const id = String(req.params["id"]);
      const list = entries(userid);
      if (!list.some((e) => e.id === id)) throw die("no such entry");
      const rest = list.filter((e) => e.id !== id);
      if (rest.length) store.tfa.set(userid, rest);
      else store.tfa.delete(userid);
      return rest.length;
    });
    if (!left) await lockUserConfig(ctx, "enabling TFA for the user failed", () => markTfa(store, userid, false));
    return null;
  });
};
