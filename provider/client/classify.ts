/**
 * Turns what PVE (or the network) said into a {@link PveErrorKind}.
 * PVE has no 404/409/429: "does not exist", lock timeouts and digest mismatches all come as
 * HTTP 500 with a message, so the message decides. This is the one place that decides "not
 * found" (callers branch on the kind); locks and conflicts are recognised first, so a lock
 * timeout is never taken for "gone".
 */
import type { PveErrorKind } from "./errors";
import { unwrapRethrown } from "./rethrown";

/**
 * PVE's "not found" phrasings, matched anywhere in the message and in any case: handlers wrap
 * them (`delete sdn zone object failed: sdn 'x' does not exist`), and their case varies.
 * - `<what> '<id>' does not exist`: users' groups, roles, pools, realms, storages, SDN objects,
 *   ACME accounts, guest configs (pve-access-control, pve-manager, pve-storage, pve-network);
 * - `no such <what>`: users, tokens, aliases, IP sets and entries, security groups, backup and
 *   replication jobs, tasks (`No such job`, `no such IPSet 'x'`, `cidr: no such IP/Network`);
 *   but not `no such option` (a bad `delete` list) nor `No such file or directory` (a file PVE
 *   could not open, which can be transient);
 * - `'<id>' not defined`: ACME plugins (`ACME plugin 'x' not defined`, ACMEPlugin.pm) and the
 *   simulator's SDN wording (`sdn 'x' zone not defined`);
 * - `is not a pool member`: removing a pool member that is no longer there (pve-manager
 *   API2/Pool.pm, `VM 100 is not a pool member`, `Storage 'x' is not a pool member`).
 */
const NOT_FOUND = [/\bdoes not exist\b/i, /\bno such (?!option\b|file or directory\b)/i, /'[^']*' (?:[a-z]+ )?not defined\b/i, /\bis not a pool member\b/i];

/** Guest flocks, the config `lock:` property, and cfs-lock acquire timeouts: nothing was changed. */
const LOCKED = [/can't lock file '[^']*' - got timeout/, /\b(?:VM|CT) is locked\b/, /got lock request timeout/];

/** Digest mismatches and create races. */
const CONFLICT = [/detected modified configuration/, /checksum mismatch/, /already exists/];

/** Node error codes that mean "could not reach (or trust) the server". */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNABORTED",
  "ERR_PVE_FINGERPRINT_MISMATCH",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_SSL_WRONG_VERSION_NUMBER",
]);

/** What is known about a failure. */
export interface FailureFacts {
  /** HTTP status, when a response arrived. */
  status?: number;
  /** PVE's message (JSON `message` or reason phrase). */
  message?: string;
  /** Node/got error code, when no response arrived. */
  code?: string;
  /** PVE's per-parameter errors (`raise_param_exc`). */
  errors?: Readonly<Record<string, string>>;
}

/** True for a lock or cfs-lock acquire timeout message. */
export function isLockTimeoutMessage(message: string): boolean {
  return LOCKED.some((re) => re.test(message));
}

/** True when a Node/got error code means a connection or TLS failure. */
export function isUnreachableCode(code: string): boolean {
  return UNREACHABLE_CODES.has(code) || code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_");
}

/** True when every per-parameter error says the addressed item does not exist. */
function isMissingItem(errors: FailureFacts["errors"]): boolean {
  const messages = Object.values(errors ?? {});
  return messages.length > 0 && messages.every((message) => NOT_FOUND.some((re) => re.test(message)));
}

/** Classifies one failure. Pure; table-tested. */
export function classify(facts: FailureFacts): PveErrorKind {
  const { status, code } = facts;
  const message = facts.message ?? "";
  if (status === undefined) {
    if (code === "ETIMEDOUT" || code === "ERR_ABORTED") return "timeout";
    return code !== undefined && isUnreachableCode(code) ? "unreachable" : "server";
  }
  // A 500 that carries an exception re-raised as text (see rethrown.ts) is what was raised.
  const rethrown = status === 500 ? unwrapRethrown(message) : undefined;
  if (rethrown) return classify(rethrown);
  // An addressed item that is absent can be a parameter error (an IP set entry: `cidr: no such IP/Network`).
  if (status === 400 && isMissingItem(facts.errors)) return "not-found";
  if (status === 400 || status === 501) return "validation";
  if (status === 401) return "auth";
  if (status === 404) return "not-found"; // only TFA's "No such tfa entry"
  if (status === 403) return "permission";
  if (status === 595 || status === 596 || status === 597 || status === 599) return "unreachable";
  if (isLockTimeoutMessage(message)) return "locked";
  if (CONFLICT.some((re) => re.test(message))) return "conflict";
  if (NOT_FOUND.some((re) => re.test(message))) return "not-found";
  return "server";
}
