/** Two-factor login (TOTP, recovery keys) and the TFA API. */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { base32Decode, newTotpSecret, totpCode } from "../../core/tickets";
import { login, raw, TEST_TOKEN } from "../../testkit/raw";
import { useSimulator } from "../../testkit/sim";

const sim = useSimulator();
const root = { token: TEST_TOKEN };

/** RFC 6238 with HMAC-SHA-256, 8 digits and 60 s steps, written out here (independent of the simulator's own code). */
function sha256Code8(secret: string, nowMs: number): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(Math.floor(nowMs / 60_000)));
  const mac = createHmac("sha256", base32Decode(secret)).update(msg).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 100_000_000).padStart(8, "0");
}

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
    // The challenge is proxmox-tfa's JSON, with only ':' escaped in the ticket.
    expect(half.ticket).toMatch(/^PVE:!tfa!\{"totp"%3Atrue\}:[0-9A-F]{8}::[A-Za-z0-9+/]+={0,2}$/);
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

  it("gives TOTP entries UUIDs and lists them as proxmox-tfa does: recovery first, empty descriptions and enable=1 left out", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "list@pve", password: "password-1" } });
    const t = await login(sim(), "root@pam", "rootpw-123");
    const secret = newTotpSecret();
    const totp = await raw(sim(), "POST", "/access/tfa/list@pve", {
      auth: t,
      json: { type: "totp", description: "", totp: `otpauth://totp/x?secret=${secret}`, value: totpCode(secret, sim().clock.now()) },
    });
    const id = (totp.json?.data as { id: string }).id;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await raw(sim(), "POST", "/access/tfa/list@pve", { auth: t, form: { type: "recovery", description: "paper" } });
    await raw(sim(), "PUT", `/access/tfa/list@pve/${id}`, { auth: t, form: { enable: 0 } });
    const list = (await raw(sim(), "GET", "/access/tfa/list@pve", { auth: root })).json?.data as Record<string, unknown>[];
    expect(list.map((e) => Object.keys(e).sort())).toEqual([
      ["created", "id", "type"],
      ["created", "enable", "id", "type"],
    ]);
    expect(list.map((e) => [e["type"], e["id"], e["enable"]])).toEqual([
      ["recovery", "recovery", undefined],
      ["totp", id, 0],
    ]);
  });

  it("refuses incomplete or foreign TOTP entries with proxmox-tfa's messages", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "bad@pve" } });
    const t = await login(sim(), "root@pam", "rootpw-123");
    const secret = newTotpSecret();
    const add = (form: Record<string, string>): Promise<{ status: number; reason: string }> =>
      raw(sim(), "POST", "/access/tfa/bad@pve", { auth: t, form: { type: "totp", ...form } });
    const code = totpCode(secret, sim().clock.now());
    expect(await add({ totp: `otpauth://totp/x?secret=${secret}`, value: code })).toMatchObject({
      status: 500,
      reason: "'description' is required for new entries",
    });
    expect(await add({ description: "d", totp: `otpauth://totp/x?secret=${secret}` })).toMatchObject({
      reason: "'totp' type requires both 'totp' and 'value' parameters",
    });
    expect(await add({ description: "d", totp: `otpauth://totp/x?secret=${secret}&step=30`, value: code })).toMatchObject({
      reason: "unrecognized otpauth uri parameter: step",
    });
    expect(await add({ description: "d", totp: `https://totp/x?secret=${secret}`, value: code })).toMatchObject({ reason: "not an otpauth uri" });
    expect(await add({ description: "d", totp: "otpauth://totp/x?issuer=me", value: code })).toMatchObject({ reason: "missing secret in otpauth url" });
  });

  it("verifies a TOTP entry with the URI's digits, period and algorithm", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "eight@pve", password: "password-8" } });
    const t = await login(sim(), "root@pam", "rootpw-123");
    const secret = newTotpSecret();
    const uri = `otpauth://totp/x?secret=${secret}&digits=8&period=60&algorithm=SHA256`;
    const add = await raw(sim(), "POST", "/access/tfa/eight@pve", {
      auth: t,
      form: { type: "totp", description: "d", totp: uri, value: sha256Code8(secret, sim().clock.now()) },
    });
    expect(add.status, add.reason).toBe(200);
    const half = ((await raw(sim(), "POST", "/access/ticket", { form: { username: "eight@pve", password: "password-8" } })).json?.data as { ticket: string })
      .ticket;
    const second = await raw(sim(), "POST", "/access/ticket", {
      form: { username: "eight@pve", password: `totp:${sha256Code8(secret, sim().clock.now())}`, "tfa-challenge": half },
    });
    expect(second.status).toBe(200);
  });

  it("allows one set of recovery keys, without extra parameters and without a description of its own", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "rk@pve" } });
    const t = await login(sim(), "root@pam", "rootpw-123");
    const withValue = await raw(sim(), "POST", "/access/tfa/rk@pve", { auth: t, form: { type: "recovery", value: "x" } });
    expect(withValue.reason).toBe("generating recovery tokens does not allow additional parameters");
    const keys = (
      (await raw(sim(), "POST", "/access/tfa/rk@pve", { auth: t, form: { type: "recovery", description: "paper" } })).json?.data as { recovery: string[] }
    ).recovery;
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/);
    expect((await raw(sim(), "POST", "/access/tfa/rk@pve", { auth: t, form: { type: "recovery" } })).reason).toBe("user already has recovery keys");
    expect((await raw(sim(), "GET", "/access/tfa/rk@pve/recovery", { auth: root })).json?.data).not.toHaveProperty("description");
    // The recovery entry is not one `update_tfa_entry` can find.
    expect((await raw(sim(), "PUT", "/access/tfa/rk@pve/recovery", { auth: t, form: { enable: 0 } })).reason).toBe("no such entry");
  });

  it("answers updates and deletes of a missing entry with a plain 'no such entry'", async () => {
    const t = await login(sim(), "root@pam", "rootpw-123");
    for (const method of ["PUT", "DELETE"]) {
      const r = await raw(sim(), method, "/access/tfa/root@pam/nope", { auth: t, ...(method === "PUT" ? { form: { description: "x" } } : {}) });
      expect([r.status, r.reason]).toEqual([500, "no such entry"]);
    }
  });

  it("marks the user's keys 'x' while it has factors, even when the entry was refused", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "mark@pve" } });
    const t = await login(sim(), "root@pam", "rootpw-123");
    const refused = await raw(sim(), "POST", "/access/tfa/mark@pve", { auth: t, form: { type: "webauthn", description: "key" } });
    expect(refused.reason).toBe("no webauthn configuration available");
    expect((await raw(sim(), "GET", "/access/users/mark@pve", { auth: root })).json?.data).toMatchObject({ keys: "x", email: "" });
    await raw(sim(), "POST", "/access/tfa/mark@pve", { auth: t, form: { type: "recovery" } });
    await raw(sim(), "DELETE", "/access/tfa/mark@pve/recovery", { auth: t });
    const after = (await raw(sim(), "GET", "/access/users/mark@pve", { auth: root })).json?.data as Record<string, unknown>;
    expect(after).not.toHaveProperty("keys");
    expect(after).not.toHaveProperty("email");
  });

  it("re-authenticates other users through their realm: a missing password is a 400, a wrong one the realm's 500", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "me@pve", password: "my-pass-1" } });
    const t = await login(sim(), "me@pve", "my-pass-1");
    const missing = await raw(sim(), "POST", "/access/tfa/me@pve", { auth: t, form: { type: "recovery" } });
    expect([missing.status, missing.json?.errors]).toEqual([400, { password: "password is required to modify user" }]);
    const wrong = await raw(sim(), "POST", "/access/tfa/me@pve", { auth: t, form: { type: "recovery", password: "not-mine" } });
    expect([wrong.status, wrong.reason]).toEqual([500, "invalid credentials"]);
    expect((await raw(sim(), "POST", "/access/tfa/me@pve", { auth: t, form: { type: "recovery", password: "my-pass-1" } })).status).toBe(200);
    const unconfirmed = await raw(sim(), "DELETE", "/access/tfa/me@pve/recovery", { auth: t });
    expect(unconfirmed.json?.errors).toEqual({ password: "password is required to modify user" });
    // The full list shows an unprivileged user only their own factors.
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "other@pve" } });
    await raw(sim(), "POST", "/access/tfa/other@pve", { auth: await login(sim(), "root@pam", "rootpw-123"), form: { type: "recovery" } });
    const mine = (await raw(sim(), "GET", "/access/tfa", { auth: t })).json?.data as { userid: string }[];
    expect(mine.map((u) => u.userid)).toEqual(["me@pve"]);
    expect((await raw(sim(), "DELETE", "/access/tfa/me@pve/recovery", { auth: t, query: { password: "my-pass-1" } })).status).toBe(200);
  });

  it("refuses Yubico entries without the realm's Yubico settings", async () => {
    const t = await login(sim(), "root@pam", "rootpw-123");
    const r = await raw(sim(), "POST", "/access/tfa/root@pam", {
      auth: t,
      form: { type: "yubico", description: "key", value: "cccccccbcjdifctrndncchkftchjlnbhvhtugdljibej" },
    });
    expect(r.reason).toBe("no yubico otp configuration available for realm pam");
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
    const challenge = async (): Promise<string> =>
      ((await raw(sim(), "POST", "/access/ticket", { form: { username: "rec@pve", password: "password-2" } })).json?.data as { ticket: string }).ticket;
    const use = (half: string): Promise<{ status: number }> =>
      raw(sim(), "POST", "/access/ticket", { form: { username: "rec@pve", password: `recovery:${keys[0]}`, "tfa-challenge": half } });
    expect((await use(await challenge())).status).toBe(200);
    expect((await use(await challenge())).status).toBe(401);
  });

  it("refuses TFA changes with an API token (allowtoken 0)", async () => {
    const r = await raw(sim(), "POST", "/access/tfa/root@pam", { auth: root, form: { type: "recovery" } });
    expect(r.status).toBe(403);
  });
});

describe("TFA at login", () => {
  it("asks for the recovery keys that are left, by index", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "idx@pve", password: "password-3" } });
    const t = await login(sim(), "root@pam", "rootpw-123");
    const keys = ((await raw(sim(), "POST", "/access/tfa/idx@pve", { auth: t, form: { type: "recovery" } })).json?.data as { recovery: string[] }).recovery;
    const first = ((await raw(sim(), "POST", "/access/ticket", { form: { username: "idx@pve", password: "password-3" } })).json?.data as { ticket: string })
      .ticket;
    await raw(sim(), "POST", "/access/ticket", { form: { username: "idx@pve", password: `recovery:${keys[3]}`, "tfa-challenge": first } });
    const next = ((await raw(sim(), "POST", "/access/ticket", { form: { username: "idx@pve", password: "password-3" } })).json?.data as { ticket: string })
      .ticket;
    expect(next).toContain(`!tfa!{"recovery"%3A[0,1,2,4,5,6,7,8,9]}:`);
  });

  it("refuses users without a second factor in a realm that enforces one", async () => {
    await raw(sim(), "PUT", "/access/domains/pve", { auth: root, form: { tfa: "type=oath" } });
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "plain@pve", password: "password-4" } });
    const r = await raw(sim(), "POST", "/access/ticket", { form: { username: "plain@pve", password: "password-4" } });
    expect([r.status, r.reason]).toEqual([401, "authentication failure"]);
    await raw(sim(), "PUT", "/access/domains/pve", { auth: root, form: { delete: "tfa" } });
    expect((await raw(sim(), "POST", "/access/ticket", { form: { username: "plain@pve", password: "password-4" } })).status).toBe(200);
  });

  it("asks every user of a Yubico realm for a Yubico OTP, and checks it against the user's key ids", async () => {
    await raw(sim(), "PUT", "/access/domains/pve", { auth: root, form: { tfa: "type=yubico,id=42,key=c2VjcmV0" } });
    try {
      await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "yk@pve", password: "password-6" } });
      const first = (await raw(sim(), "POST", "/access/ticket", { form: { username: "yk@pve", password: "password-6" } })).json?.data as {
        ticket: string;
        NeedTFA: number;
      };
      expect(first.NeedTFA).toBe(1);
      expect(first.ticket).toContain('!tfa!{"yubico"%3Atrue}:');
      const admin = await login(sim(), "root@pam", "rootpw-123");
      const otp = "cccccckdvfjehgrnbnucitgkevjclnjnbllklcdgkt";
      expect((await raw(sim(), "POST", "/access/tfa/yk@pve", { auth: admin, form: { type: "yubico", description: "key", value: "cccccc" } })).reason).toBe(
        "yubico: wrong OTP length",
      );
      expect((await raw(sim(), "POST", "/access/tfa/yk@pve", { auth: admin, form: { type: "yubico", description: "key", value: otp } })).status).toBe(200);
      const half = ((await raw(sim(), "POST", "/access/ticket", { form: { username: "yk@pve", password: "password-6" } })).json?.data as { ticket: string })
        .ticket;
      const totp = await raw(sim(), "POST", "/access/ticket", { form: { username: "yk@pve", password: "totp:123456", "tfa-challenge": half } });
      expect(totp.status).toBe(401);
      const yubico = await raw(sim(), "POST", "/access/ticket", {
        form: { username: "yk@pve", password: `yubico:${otp.slice(0, 12)}otherotpcharacters00000000`, "tfa-challenge": half },
      });
      expect(yubico.status).toBe(200);
    } finally {
      await raw(sim(), "PUT", "/access/domains/pve", { auth: root, form: { delete: "tfa" } });
    }
  });

  it("verifies an `otp` sent with the password, and still hands out the challenge", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "early@pve", password: "password-5" } });
    const noTfa = await raw(sim(), "POST", "/access/ticket", { form: { username: "early@pve", password: "password-5", otp: "totp:123456" } });
    expect(noTfa.status).toBe(401);
    const t = await login(sim(), "root@pam", "rootpw-123");
    const secret = newTotpSecret();
    await raw(sim(), "POST", "/access/tfa/early@pve", {
      auth: t,
      form: { type: "totp", description: "d", totp: `otpauth://totp/x?secret=${secret}`, value: totpCode(secret, sim().clock.now()) },
    });
    const plainCode = await raw(sim(), "POST", "/access/ticket", {
      form: { username: "early@pve", password: "password-5", otp: totpCode(secret, sim().clock.now()) },
    });
    expect(plainCode.status).toBe(401);
    const typed = await raw(sim(), "POST", "/access/ticket", {
      form: { username: "early@pve", password: "password-5", otp: `totp:${totpCode(secret, sim().clock.now())}` },
    });
    expect((typed.json?.data as { NeedTFA?: number }).NeedTFA).toBe(1);
  });
});
