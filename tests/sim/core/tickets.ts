/**
 * Tickets and CSRF tokens in PVE's formats, as pve-common `src/PVE/Ticket.pm`
 * (`assemble_rsa_ticket`, `verify_rsa_ticket`, `assemble_csrf_prevention_token`,
 * `verify_csrf_prevention_token`) and pve-access-control `src/PVE/AccessControl.pm`
 * (`assemble_ticket`, `verify_ticket`, `$ticket_lifetime`, `$auth_graceperiod`) make them:
 * `PVE:<data>:<8 HEX ts>::<base64 RSA signature>` with `:` in the data escaped as `%3A`, the
 * signature covering `<plain>:<aad>` when there is additional data; valid while
 * -5 min < age < 2 h. The signing key is the simulator's TLS key (PVE has its own authkey.key).
 * Plus RFC 6238 TOTP for the TFA step.
 */
import { createHmac, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from "node:crypto";

/** `$ticket_lifetime`: 2 h. */
export const TICKET_LIFETIME_S = 7200;
/** `$auth_graceperiod`: tickets up to 5 min in the future are accepted. */
const GRACE_S = 300;

const hex8 = (n: number): string => n.toString(16).toUpperCase().padStart(8, "0");

/** Signs and verifies tickets and CSRF tokens. */
export class TicketSigner {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly csrfKey = randomBytes(32);

  /** `privateKeyPem`: an RSA key (PVE signs with the cluster's authkey). */
  constructor(privateKeyPem: string) {
    this.privateKey = createPrivateKey(privateKeyPem);
    this.publicKey = createPublicKey(this.privateKey);
  }

  /** `assemble_rsa_ticket`: `PVE:<data>:<ts>::<sig>`; `aad` is signed but not included. */
  assemble(data: string, nowSec: number, aad?: string): string {
    const plain = `PVE:${data.replace(/:/g, "%3A")}:${hex8(nowSec)}`;
    const full = aad === undefined ? plain : `${plain}:${aad}`;
    return `${plain}::${sign("sha256", Buffer.from(full), this.privateKey).toString("base64")}`;
  }

  /** `verify_rsa_ticket`: the (unescaped) data when the signature and age are right, else undefined. */
  verify(ticket: string, nowSec: number, aad?: string): string | undefined {
    const m = /^(PVE:\S+)::([^:\s]+)$/.exec(ticket);
    if (!m?.[1] || !m[2]) return undefined;
    const full = aad === undefined ? m[1] : `${m[1]}:${aad}`;
    if (!verify("sha256", Buffer.from(full), this.publicKey, Buffer.from(m[2], "base64"))) return undefined;
    const parts = /^PVE:(?:(\S+):)?([A-Z0-9]{8})$/.exec(m[1]);
    if (!parts?.[1] || !parts[2]) return undefined;
    const age = nowSec - parseInt(parts[2], 16);
    if (!(age > -GRACE_S && age < TICKET_LIFETIME_S)) return undefined;
    return this.unescapeData(parts[1]);
  }

  /** `uri_unescape` of a ticket's data part. */
  unescapeData(data: string): string {
    try {
      return decodeURIComponent(data);
    } catch {
      return data;
    }
  }

  /** A login ticket for `userid`. */
  ticketFor(userid: string, nowSec: number): string {
    return this.assemble(userid, nowSec);
  }

  /** The user of a valid, complete login ticket (TFA half-tickets are refused). */
  verifyLogin(ticket: string, nowSec: number): string | undefined {
    const data = this.verify(ticket, nowSec);
    return data !== undefined && !data.startsWith("!") ? data : undefined;
  }

  /** `assemble_csrf_prevention_token`: `<8 HEX ts>:<base64 HMAC-SHA256 of "ts:user">` (no padding). */
  csrfFor(userid: string, nowSec: number): string {
    const ts = hex8(nowSec);
    const sig = createHmac("sha256", this.csrfKey).update(`${ts}:${userid}`).digest("base64").replace(/=+$/, "");
    return `${ts}:${sig}`;
  }

  /** `verify_csrf_prevention_token` with the ticket's window (-5 min < age < 2 h). */
  verifyCsrf(token: string, userid: string, nowSec: number): boolean {
    const m = /^([A-Z0-9]{8}):(\S+)$/.exec(token);
    if (!m?.[1]) return false;
    const age = nowSec - parseInt(m[1], 16);
    return token === this.csrfFor(userid, parseInt(m[1], 16)) && age > -GRACE_S && age < TICKET_LIFETIME_S;
  }
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Decodes an RFC 4648 base32 string (padding and case ignored). */
export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/=+$/, "").replace(/\s/g, "");
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const idx = BASE32.indexOf(ch);
    if (idx < 0) throw new Error("unable to decode TFA secret");
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A random base32 secret (160 bits), as authenticator apps expect. */
export function newTotpSecret(): string {
  const bytes = randomBytes(20);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** The parameters of a TOTP factor (an `otpauth://totp/` URI's `digits`, `period`, `algorithm`). */
export interface TotpOptions {
  readonly digits?: number;
  readonly period?: number;
  readonly algorithm?: "SHA1" | "SHA256" | "SHA512";
}

/** The RFC 6238 code of `secret` at `nowMs` (default SHA-1, 30 s, 6 digits). */
export function totpCode(secret: string, nowMs: number, stepOffset = 0, options: TotpOptions = {}): string {
  const digits = options.digits ?? 6;
  const counter = Math.floor(nowMs / 1000 / (options.period ?? 30)) + stepOffset;
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac((options.algorithm ?? "SHA1").toLowerCase(), base32Decode(secret))
    .update(msg)
    .digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0xf;
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return bin.toString().padStart(digits, "0");
}

/** Accepts the code of the current step or one step either side (`verify(..., -1..=1)`), exactly `digits` long. */
export function verifyTotp(secret: string, code: string, nowMs: number, options: TotpOptions = {}): boolean {
  return [-1, 0, 1].some((d) => totpCode(secret, nowMs, d, options) === code);
}
