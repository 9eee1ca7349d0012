/** Two-factor login (TOTP, recovery keys) and the TFA API. */
import { describe, expect, it } from "vitest";
import { newTotpSecret, totpCode } from "./core/tickets";
import { login, raw, TEST_TOKEN } from "./testkit/raw";
import { useSimulator } from "./testkit/sim";

const sim = useSimulator();
const root = { token: TEST_TOKEN };

describe("TFA", () => {
  it("verifies RFC 6238 test vectors", () => {
    // RFC 6238 appendix B, SHA-1 secret "12345678901234567890" (base32), 8 digits truncated to 6.
    const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    expect(totpCode(secret, 59_000)).toBe("287082");
    expect(totpCode(secret, 1_111_111_109_000)).toBe("081804");
  });

  it("adds a TOTP entry, then asks for the second factor at login", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "otp@pve", password: "password-1" } });
    const t = await login(sim(), "root@pam", "rootpw-123");
    const secret = newTotpSecret();
    const add = await raw(sim(), "POST", "/access/tfa/otp@pve", {
      auth: t,
      form: { type: "totp", description: "phone", totp: `otpauth://totp/otp?secret=${secret}&issuer=sim`, value: totpCode(secret, sim().clock.now()) },
    });
    expect(add.status).toBe(200);
    const id = (add.json?.data as { id: string }).id;

    const first = await raw(sim(), "POST", "/access/ticket", { form: { username: "otp@pve", password: "password-1" } });
    const half = first.json?.data as { ticket: string; NeedTFA: number; cap?: unknown };
    expect(half.NeedTFA).toBe(1);
    expect(half.cap).toBeUndefined();
    expect(half.ticket).toMatch(/^PVE:!tfa!/);
    expect((await raw(sim(), "GET", "/version", { auth: { ticket: half.ticket } })).status).toBe(401);

    const bad = await raw(sim(), "POST", "/access/ticket", { form: { username: "otp@pve", password: "totp:000000", "tfa-challenge": half.ticket } });
    expect([bad.status, bad.reason]).toEqual([401, "authentication failure"]);
    const good = await raw(sim(), "POST", "/access/ticket", {
      form: { username: "otp@pve", password: `totp:${totpCode(secret, sim().clock.now())}`, "tfa-challenge": half.ticket },
    });
    expect(good.status).toBe(200);
    const full = good.json?.data as { ticket: string };
    expect(full.ticket).toMatch(/^PVE:otp@pve:/);

    const list = await raw(sim(), "GET", "/access/tfa/otp@pve", { auth: root });
    expect(list.json?.data).toEqual([expect.objectContaining({ id, type: "totp", description: "phone" })]);
  });

  it("answers a missing entry with PVE's only 404", async () => {
    const r = await raw(sim(), "GET", "/access/tfa/root@pam/nope", { auth: root });
    expect([r.status, r.reason]).toEqual([404, "No such tfa entry 'nope'"]);
  });

  it("issues recovery keys once and accepts each key once", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "rec@pve", password: "password-2" } });
    const t = await login(sim(), "root@pam", "rootpw-123");
    const add = await raw(sim(), "POST", "/access/tfa/rec@pve", { auth: t, form: { type: "recovery" } });
    const keys = (add.json?.data as { recovery: string[] }).recovery;
    expect(keys).toHaveLength(10);
    const challenge = async (): Promise<string> => ((await raw(sim(), "POST", "/access/ticket", { form: { username: "rec@pve", password: "password-2" } })).json?.data as { ticket: string }).ticket;
    const use = (half: string): Promise<{ status: number }> => raw(sim(), "POST", "/access/ticket", { form: { username: "rec@pve", password: `recovery:${keys[0]}`, "tfa-challenge": half } });
    expect((await use(await challenge())).status).toBe(200);
    expect((await use(await challenge())).status).toBe(401);
  });

  it("refuses TFA changes with an API token (allowtoken 0)", async () => {
    const r = await raw(sim(), "POST", "/access/tfa/root@pam", { auth: root, form: { type: "recovery" } });
    expect(r.status).toBe(403);
  });
});
