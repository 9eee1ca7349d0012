/**
 * RFC 6238 TOTP (by default SHA-1, 6 digits, 30 s steps: what PVE's TOTP factor uses), so the
 * client can log in again unattended after its ticket expires, and the `otpauth://totp/` URIs
 * PVE takes for TOTP entries, read the way PVE reads them.
 */
import { createHmac } from "node:crypto";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** The HMAC of a TOTP factor. */
export type TotpAlgorithm = "SHA1" | "SHA256" | "SHA512";

/** Decodes RFC 4648 base32 (case, spaces and padding tolerated). */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=-]/g, "").toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index === -1) throw new Error("TOTP secret is not valid base32");
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP for one counter value. */
export function hotp(key: Buffer, counter: number, digits = 6, algorithm: TotpAlgorithm = "SHA1"): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm.toLowerCase(), key).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const code = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(code % 10 ** digits).padStart(digits, "0");
}

/** The TOTP code for a base32 secret at `timeMs` (default: now). */
export function totp(secretBase32: string, timeMs: number = Date.now(), stepSeconds = 30, digits = 6, algorithm: TotpAlgorithm = "SHA1"): string {
  return hotp(base32Decode(secretBase32), Math.floor(timeMs / 1000 / stepSeconds), digits, algorithm);
}

/** A TOTP factor as an `otpauth://totp/` URI describes it. */
export interface OtpauthTotp {
  readonly secret: string;
  readonly digits: number;
  readonly period: number;
  readonly algorithm: TotpAlgorithm;
}

/**
 * Reads an `otpauth://totp/<label>?secret=...` URI as PVE's TOTP parser does: the parameters are
 * `secret` (base32), `digits`, `period`, `algorithm` (SHA1, SHA256, SHA512) and `issuer`; PVE
 * refuses any other one (e.g. `step`). Throws PVE's reason for a URI it would refuse.
 */
export function parseOtpauthTotp(uri: string): OtpauthTotp {
  if (!uri.startsWith("otpauth://totp/")) throw new Error("not an otpauth uri");
  const rest = uri.slice("otpauth://totp/".length);
  const query = rest.indexOf("?");
  if (query < 0) throw new Error("missing '?' in otp uri");
  let secret = "";
  let digits = 6;
  let period = 30;
  let algorithm: TotpAlgorithm = "SHA1";
  const integer = (key: string, value: string): number => {
    if (!/^\+?[0-9]+$/.test(value) || Number(value) === 0) throw new Error(`'${key}' must be a positive integer`);
    return Number(value);
  };
  for (const part of rest.slice(query + 1).split("&")) {
    const eq = part.indexOf("=");
    if (eq < 0) throw new Error("bad value in otpauth uri");
    const key = decodeURIComponent(part.slice(0, eq));
    const value = decodeURIComponent(part.slice(eq + 1));
    if (key === "secret") {
      secret = value.toUpperCase().replace(/=+$/, "");
      if (!/^[A-Z2-7]+$/.test(secret)) throw new Error("failed to decode otp secret in otpauth url");
    } else if (key === "digits") digits = integer(key, value);
    else if (key === "period") period = integer(key, value);
    else if (key === "algorithm") {
      if (value !== "SHA1" && value !== "SHA256" && value !== "SHA512") throw new Error(`unsupported algorithm: ${value}`);
      algorithm = value;
    } else if (key !== "issuer") throw new Error(`unrecognized otpauth uri parameter: ${key}`);
  }
  if (secret === "") throw new Error("missing secret in otpauth url");
  return { secret, digits, period, algorithm };
}
