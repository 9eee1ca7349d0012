import { describe, expect, test } from "vitest";
import { base32Decode, hotp, parseOtpauthTotp, totp } from "../../provider/client/totp";

// RFC 6238 appendix B, SHA-1 seed "12345678901234567890" (base32 below), 8-digit codes.
const SEED_B32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

describe("TOTP (RFC 6238)", () => {
  test("base32 decodes the RFC seed, tolerating case, spaces and padding", () => {
    expect(base32Decode(SEED_B32).toString()).toBe("12345678901234567890");
    expect(base32Decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq====").toString()).toBe("12345678901234567890");
    expect(() => base32Decode("not base32!")).toThrow(/base32/);
  });

  test.each([
    [59, "94287082"],
    [1111111109, "07081804"],
    [1111111111, "14050471"],
    [1234567890, "89005924"],
    [2000000000, "69279037"],
    [20000000000, "65353130"],
  ])("at %i s the 8-digit code is %s", (seconds, code) => {
    expect(totp(SEED_B32, seconds * 1000, 30, 8)).toBe(code);
  });

  test("6-digit codes are the low digits (what PVE uses)", () => {
    expect(totp(SEED_B32, 59_000)).toBe("287082");
    expect(hotp(base32Decode(SEED_B32), 1)).toBe("287082");
  });
});

describe("other TOTP parameters and otpauth URIs", () => {
  // RFC 6238 appendix B: the SHA-256 seed is 32 bytes, the SHA-512 seed 64 bytes.
  const SHA256_B32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA";
  const SHA512_B32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA";

  test("computes the RFC's SHA-256 and SHA-512 vectors", () => {
    expect(totp(SHA256_B32, 59_000, 30, 8, "SHA256")).toBe("46119246");
    expect(totp(SHA512_B32, 59_000, 30, 8, "SHA512")).toBe("90693936");
    expect(totp(SHA256_B32, 1_111_111_109_000, 30, 8, "SHA256")).toBe("68084774");
  });

  test("reads the parameters PVE takes and refuses the others with PVE's reasons", () => {
    expect(parseOtpauthTotp("otpauth://totp/pve:alice?secret=jbswy3dpehpk3pxp&digits=8&period=60&algorithm=SHA512&issuer=pve")).toEqual({
      secret: "JBSWY3DPEHPK3PXP",
      digits: 8,
      period: 60,
      algorithm: "SHA512",
    });
    expect(() => parseOtpauthTotp("otpauth://hotp/a?secret=JBSWY3DP")).toThrow("not an otpauth uri");
    expect(() => parseOtpauthTotp("otpauth://totp/a")).toThrow("missing '?' in otp uri");
    expect(() => parseOtpauthTotp("otpauth://totp/a?secret=JBSWY3DP&step=30")).toThrow("unrecognized otpauth uri parameter: step");
    expect(() => parseOtpauthTotp("otpauth://totp/a?secret=JBSWY3DP&algorithm=MD5")).toThrow("unsupported algorithm: MD5");
    expect(() => parseOtpauthTotp("otpauth://totp/a?issuer=x")).toThrow("missing secret in otpauth url");
  });
});
