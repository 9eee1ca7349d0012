/**
 * The second factor at login, as pve-access-control `src/PVE/AccessControl.pm`
 * (`authenticate_2nd_new_do`, `authenticate_yubico_new`) and proxmox-tfa's `TfaConfig`
 * (`authentication_challenge` → `TfaUserData::challenge`, `verify`, `TfaResponse::from_str`,
 * `Recovery::verify`) do it. WebAuthn and U2F need datacenter.cfg settings the access model does
 * not read: their entries take no part, as on a PVE without those settings.
 */
import { verifyTotp } from "../../core/tickets";
import type { AccessStore } from "./store";

/** The second factor a user's realm enforces (`tfa` of domains.cfg): `totp` (PVE's 'oath') or `yubico`. */
export function realmTfa(store: AccessStore, userid: string): "totp" | "yubico" | undefined {
  const tfa = String(store.realms.get(userid.slice(userid.lastIndexOf("@") + 1))?.["tfa"] ?? "");
  const type = /(?:^|,)(?:type=)?(oath|yubico)(?:,|$)/.exec(tfa)?.[1];
  return type === "oath" ? "totp" : type === "yubico" ? "yubico" : undefined;
}

/**
 * The challenge of a user's enabled factors (`{"totp":true,"recovery":[0,1,...]}`), or undefined
 * when the user has none: then no second step is asked for.
 */
export function tfaChallenge(store: AccessStore, userid: string): Record<string, unknown> | undefined {
  const entries = store.tfa.get(userid) ?? [];
  const challenge: Record<string, unknown> = {};
  if (entries.some((e) => e.type === "totp" && e.enable)) challenge["totp"] = true;
  const recovery = entries.find((e) => e.type === "recovery")?.recovery ?? [];
  const available = recovery.flatMap((key, index) => (key !== undefined ? [index] : []));
  if (available.length) challenge["recovery"] = available;
  if (entries.some((e) => e.type === "yubico" && e.enable)) challenge["yubico"] = true;
  return Object.keys(challenge).length ? challenge : undefined;
}

/**
 * Verifies the answer to a challenge (`totp:<code>`, `recovery:<key>`, `yubico:<otp>` in Yubico
 * realms). A used recovery key is gone. False for every refusal (PVE's reasons all end in a 401).
 */
export function verifySecondFactor(store: AccessStore, userid: string, challenge: Readonly<Record<string, unknown>>, response: string, nowMs: number): boolean {
  const enforced = realmTfa(store, userid);
  const type = /^([^:]+):/.exec(response)?.[1];
  const value = response.slice((type?.length ?? 0) + 1);
  if (type === undefined) return false;
  if (enforced === "yubico" && type === "yubico") {
    // The Yubico cloud cannot be asked from here: an OTP of a registered, enabled key passes.
    if (!challenge["yubico"]) return false;
    return (store.tfa.get(userid) ?? []).some((e) => e.type === "yubico" && e.enable && e.key === value.slice(0, 12));
  }
  if (enforced && type !== "recovery" && type !== enforced) return false;
  const entries = store.tfa.get(userid);
  if (!entries?.length) return false;
  if (type === "totp") return entries.some((e) => e.type === "totp" && e.enable && e.totp !== undefined && verifyTotp(e.totp.secret, value, nowMs, e.totp));
  if (type === "recovery") {
    const keys = entries.find((e) => e.type === "recovery")?.recovery;
    const index = keys ? keys.indexOf(value) : -1;
    if (!keys || index < 0) return false;
    keys[index] = undefined;
    return true;
  }
  return false;
}
