import { describe, expect, test } from "vitest";
import { base32Decode, hotp, totp } from "../../provider/client/totp";

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
