/**
 * Tickets and CSRF tokens in PVE's formats (`PVE::Ticket`), signed with an HMAC key of our
 * own instead of the cluster's RSA authkey: `PVE:<userid>:<8 HEX ts>::<base64 signature>`,
 * valid 2 h, with 5 min of grace for clocks ahead. Plus RFC 6238 TOTP for the TFA step.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** `$ticket_lifetime`: 2 h. */
export const TICKET_LIFETIME_S = 7200;
/** `$auth_graceperiod`: tickets up to 5 min in the future are accepted. */
const GRACE_S = 300;

const hex8 = (n: number): string => n.toString(16).toUpperCase().padStart(8, "0");

/** Signs and verifies tickets and CSRF tokens. */
export class TicketSigner {
  private readonly ticketKey = randomBytes(32);
  private readonly csrfKey = randomBytes(32);

  private sign(data: string, aad = ""): string {
    return createHmac("sha256", this.ticketKey).update(`${data}\u0000${aad}`).digest("base64");
  }

  /** `assemble_rsa_ticket`: `PVE:<data>:<ts>::<sig>`; `aad` is signed but not included. */
  assemble(data: string, nowSec: number, aad = ""): string {
    const plain = `PVE:${data}:${hex8(nowSec)}`;
    return `${plain}::${this.sign(plain, aad)}`;
  }

  /** `verify_rsa_ticket`: the data part when the signature and age are right, else undefined. */
  verify(ticket: string, nowSec: number, aad = ""): string | undefined {
    const m = /^(PVE:(.+):([0-9A-F]{8}))::(.+)$/.exec(ticket);
    if (!m?.[1] || m[2] === undefined || !m[3] || !m[4]) return undefined;
    const expected = Buffer.from(this.sign(m[1], aad));
    const given = Buffer.from(m[4]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const age = nowSec - parseInt(m[3], 16);
    if (age < -GRACE_S || age > TICKET_LIFETIME_S) return undefined;
    return m[2];
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

  /** `assemble_csrf_prevention_token`: `<8 HEX ts>:<base64 HMAC of "ts:user">`. */
  csrfFor(userid: string, nowSec: number): string {
    const ts = hex8(nowSec);
    const sig = createHmac("sha256", this.csrfKey).update(`${ts}:${userid}`).digest("base64").replace(/=+$/, "");
    return `${ts}:${sig}`;
  }

  /** `verify_csrf_prevention_token` with the ticket's 2 h window. */
  verifyCsrf(token: string, userid: string, nowSec: number): boolean {
    const m = /^([0-9A-F]{8}):/.exec(token);
    if (!m?.[1]) return false;
    const age = nowSec - parseInt(m[1], 16);
    return token === this.csrfFor(userid, parseInt(m[1], 16)) && age >= -GRACE_S && age <= TICKET_LIFETIME_S;
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

/** The RFC 6238 code (SHA-1, 30 s, 6 digits) of `secret` at `nowMs`. */
export function totpCode(secret: string, nowMs: number, stepOffset = 0): string {
  const counter = Math.floor(nowMs / 30000) + stepOffset;
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", base32Decode(secret)).update(msg).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0xf;
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return bin.toString().padStart(6, "0");
}

/** Accepts the code of the current 30 s step or one step either side. */
export function verifyTotp(secret: string, code: string, nowMs: number): boolean {
  return [-1, 0, 1].some((d) => totpCode(secret, nowMs, d) === code);
}
