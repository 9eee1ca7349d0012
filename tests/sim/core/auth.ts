/**
 * Credential extraction and checking before routing, as pve-http-server
 * `src/PVE/APIServer/AnyEvent.pm` (cookie, then `Authorization` ticket, then API token) and
 * `Formatter.pm` `extract_auth_value`, pve-manager `PVE/HTTPServer.pm` `auth_handler` (the paths
 * served without login, CSRF on non-GET with tickets) and pve-access-control
 * `src/PVE/AccessControl.pm` `verify_ticket`, `verify_token`, `check_user_enabled` do it.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { SimAuth } from "../types";
import type { AccessStore } from "../models/access/store";
import type { TicketSigner } from "./tickets";

/** Paths PVE serves without credentials (method → rel paths). */
const UNAUTHENTICATED: Readonly<Record<string, readonly string[]>> = {
  GET: ["/access/domains", "/access/ticket"],
  POST: ["/access/ticket", "/access/vncticket", "/access/openid/login", "/access/openid/auth-url"],
};

/** True when PVE answers `method relPath` without authentication. */
export function isUnauthenticated(method: string, relPath: string): boolean {
  return UNAUTHENTICATED[method]?.includes(relPath) ?? false;
}

/** Outcome of authentication: the caller, or the 401 reason phrase. */
export type AuthResult = { readonly auth: SimAuth } | { readonly failure: "No ticket" | "Authentication failed!" | "Permission denied - invalid csrf token" };

/** `extract_auth_value`: `(?:^|\s)KEY(?:=| )([^;]*)`, URI-unescaped. */
function extractValue(header: string | undefined, key: string): string | undefined {
  if (!header) return undefined;
  const m = new RegExp(`(?:^|\\s)${key}(?:=| )([^;]*)`).exec(header);
  if (!m?.[1]) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

/** Inputs of {@link authenticate}. */
export interface AuthInput {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly nowMs: number;
  /** A `ticket-expiry` fault hit this request. */
  readonly forceTicketExpiry: boolean;
}

/** Authenticates a request against the access store. */
export function authenticate(input: AuthInput, store: AccessStore, signer: TicketSigner): AuthResult {
  const nowSec = Math.floor(input.nowMs / 1000);
  const authz = input.headers.authorization;
  const ticket = extractValue(input.headers.cookie, "PVEAuthCookie") ?? extractValue(authz, "PVEAuthCookie");
  if (ticket !== undefined) {
    const userid = input.forceTicketExpiry ? undefined : signer.verifyLogin(ticket, nowSec);
    if (userid === undefined || store.userDisabledReason(userid, nowSec)) return { failure: "Authentication failed!" };
    if (input.method !== "GET") {
      const csrf = input.headers["csrfpreventiontoken"];
      if (typeof csrf !== "string" || !signer.verifyCsrf(csrf, userid, nowSec)) return { failure: "Permission denied - invalid csrf token" };
    }
    return { auth: { userid, via: "ticket" } };
  }
  const token = extractValue(authz, "PVEAPIToken");
  if (token === undefined) return { failure: "No ticket" };
  // verify_token splits greedily on the last '='.
  const m = /^(.*)=(.*)$/.exec(token);
  const bang = m?.[1]?.lastIndexOf("!") ?? -1;
  if (!m?.[1] || bang <= 0) return { failure: "Authentication failed!" };
  const userid = m[1].slice(0, bang);
  const tokenid = m[1].slice(bang + 1);
  const entry = store.users.get(userid)?.tokens.get(tokenid);
  if (!entry || store.userDisabledReason(userid, nowSec)) return { failure: "Authentication failed!" };
  if (entry.expire && entry.expire < nowSec) return { failure: "Authentication failed!" };
  if (entry.secret !== m[2]) return { failure: "Authentication failed!" };
  return { auth: { userid, tokenid, via: "token" } };
}
