/**
 * When is it safe to send a failed request again? One pure function, so the policy can be read
 * and table-tested in one place. got's retry machinery calls it (see `http.ts`).
 */
import type { HttpMethod, PveErrorKind } from "./errors";

/** Errors where the connection never carried the request: nothing can have happened on PVE. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/** Errors where the request may or may not have reached PVE: its fate is unknown. */
const FATE_UNKNOWN_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "ERR_STREAM_PREMATURE_CLOSE"]);

/** Everything the retry decision looks at. */
export interface RetryFacts {
  method: HttpMethod;
  kind: PveErrorKind;
  status?: number;
  code?: string;
  /** The caller declared that repeating this POST is harmless. */
  idempotent?: boolean;
}

/**
 * Decides whether a failed request may be repeated.
 * - never: not-found, validation, permission, auth, conflict, task failures;
 * - any method: lock / cfs-lock timeouts and 595 (nothing was changed), connection refused / DNS
 *   (nothing was sent);
 * - fate unknown (596, 597, resets, client timeouts): GET, PUT and DELETE; POST only when `idempotent`;
 * - other 5xx: GET only (a write may have half-happened).
 */
export function shouldRetry(facts: RetryFacts): boolean {
  const { method, kind, status, code } = facts;
  const repeatable = method !== "POST" || facts.idempotent === true;
  switch (kind) {
    case "locked":
      return true;
    case "unreachable":
      if (status === 595) return true;
      if (status !== undefined) return repeatable; // 596, 597, 599: the proxy lost the answer
      if (code !== undefined && NOT_SENT_CODES.has(code)) return true;
      if (code !== undefined && FATE_UNKNOWN_CODES.has(code)) return repeatable;
      return false; // TLS and certificate failures do not heal by themselves
    case "timeout":
      return repeatable;
    case "server":
      return method === "GET";
    default:
      return false;
  }
}

/**
 * Exponential backoff with jitter: `base·2^(attempt-1)` capped at `max`, then a random point in
 * its upper half, so parallel clients do not retry in lock-step. Always at least 1 ms, because
 * got treats 0 as "do not retry".
 */
export function retryDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(ceiling / 2 + (random() * ceiling) / 2));
}
