/** Authentication as auth_handler does it: tickets, CSRF, API tokens, 401s with empty bodies. */
import { describe, expect, it } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import { TicketSigner } from "./core/tickets";
import { login, raw, TEST_TOKEN } from "./testkit/raw";
import { useSimulator } from "./testkit/sim";

const sim = useSimulator();
const root = { token: TEST_TOKEN };

describe("authentication", () => {
  it("runs before routing: no credentials on an unknown path is 401 No ticket with an empty body", async () => {
    const r = await raw(sim(), "GET", "/nodes/pve1/foo");
    expect([r.status, r.reason, r.text]).toEqual([401, "No ticket", ""]);
    expect(r.headers["connection"]).toBe("close");
  });

  it("serves /access/domains and /access/ticket without credentials", async () => {
    const r = await raw(sim(), "GET", "/access/domains");
    expect(r.status).toBe(200);
    expect((r.json?.data as { realm: string }[]).map((d) => d.realm).sort()).toEqual(["pam", "pve"]);
  });

  it("logs in with a password and returns ticket, CSRF token and cap", async () => {
    const r = await raw(sim(), "POST", "/access/ticket", { form: { username: "root@pam", password: "rootpw-123" } });
    const data = r.json?.data as { ticket: string; CSRFPreventionToken: string; username: string; cap: Record<string, unknown> };
    expect(data.username).toBe("root@pam");
    // An RSA-2048 signature, base64: 344 characters.
    expect(data.ticket).toMatch(/^PVE:root@pam:[0-9A-F]{8}::[A-Za-z0-9+/]{342}==$/);
    expect(data.CSRFPreventionToken).toMatch(/^[0-9A-F]{8}:\S+$/);
    expect(Object.keys(data.cap).sort()).toEqual(["access", "dc", "mapping", "nodes", "sdn", "storage", "vms"]);
  });

  it("answers a wrong password with 401 authentication failure", async () => {
    const r = await raw(sim(), "POST", "/access/ticket", { form: { username: "root@pam", password: "wrong" } });
    expect([r.status, r.reason]).toEqual([401, "authentication failure"]);
  });

  it("accepts the ticket as cookie or Authorization header, and needs CSRF on non-GET", async () => {
    const t = await login(sim(), "root@pam", "rootpw-123");
    expect((await raw(sim(), "GET", "/version", { auth: { ticket: t.ticket } })).status).toBe(200);
    const viaHeader = await raw(sim(), "GET", "/version", { headers: { Authorization: `PVEAuthCookie=${encodeURIComponent(t.ticket)}` } });
    expect(viaHeader.status).toBe(200);
    const noCsrf = await raw(sim(), "POST", "/pools", { auth: { ticket: t.ticket }, form: { poolid: "csrf" } });
    expect([noCsrf.status, noCsrf.reason, noCsrf.text]).toEqual([401, "Permission denied - invalid csrf token", ""]);
    const ok = await raw(sim(), "POST", "/pools", { auth: t, form: { poolid: "csrf" } });
    expect(ok.status).toBe(200);
  });

  it("refuses tampered tickets with 401 Authentication failed!", async () => {
    const t = await login(sim(), "root@pam", "rootpw-123");
    const r = await raw(sim(), "GET", "/version", { auth: { ticket: t.ticket.replace("root@pam", "eve@pam") } });
    expect([r.status, r.reason, r.text]).toEqual([401, "Authentication failed!", ""]);
  });

  it("expires tickets after 2 h on the simulator clock and renews them by posting the ticket as password", async () => {
    const t = await login(sim(), "root@pam", "rootpw-123");
    sim().clock.advance(90 * 60 * 1000);
    const renewed = await raw(sim(), "POST", "/access/ticket", { form: { username: "root@pam", password: t.ticket } });
    const fresh = (renewed.json?.data as { ticket: string }).ticket;
    expect(fresh).not.toBe(t.ticket);
    sim().clock.advance(31 * 60 * 1000);
    expect((await raw(sim(), "GET", "/version", { auth: { ticket: t.ticket } })).reason).toBe("Authentication failed!");
    expect((await raw(sim(), "GET", "/version", { auth: { ticket: fresh } })).status).toBe(200);
  });

  it("splits the token on the last '=' and refuses PBS-style ':' tokens", async () => {
    expect((await raw(sim(), "GET", "/version", { auth: root })).status).toBe(200);
    const spaced = await raw(sim(), "GET", "/version", { headers: { Authorization: `PVEAPIToken ${TEST_TOKEN}` } });
    expect(spaced.status).toBe(200);
    const pbs = await raw(sim(), "GET", "/version", { headers: { Authorization: `PVEAPIToken=${TEST_TOKEN.replace("=", ":")}` } });
    expect([pbs.status, pbs.reason]).toEqual([401, "Authentication failed!"]);
    const wrong = await raw(sim(), "GET", "/version", { auth: { token: `${TEST_TOKEN.slice(0, -1)}1` } });
    expect(wrong.reason).toBe("Authentication failed!");
  });

  it("does not need CSRF with tokens, but refuses allowtoken=0 methods", async () => {
    const r = await raw(sim(), "POST", "/access/ticket", { auth: root, form: { username: "root@pam", password: "rootpw-123" } });
    expect(r.status).toBe(200); // unauthenticated endpoint: the token is not even looked at
    const pw = await raw(sim(), "PUT", "/access/password", { auth: root, form: { userid: "root@pam", password: "newpassword1" } });
    expect([pw.status, pw.reason]).toEqual([403, "Permission check failed (URI '/access/password' not available with API token, need proper ticket.)"]);
  });

  it("refuses disabled users, expired users and expired tokens", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "dis@pve", password: "password-1" } });
    const t = await login(sim(), "dis@pve", "password-1");
    const mk = await raw(sim(), "POST", "/access/users/dis@pve/token/t1", { auth: root, form: { privsep: 0 } });
    const secret = (mk.json?.data as { value: string }).value;
    const token = { token: `dis@pve!t1=${secret}` };
    expect((await raw(sim(), "GET", "/version", { auth: token })).status).toBe(200);
    await raw(sim(), "PUT", "/access/users/dis@pve", { auth: root, form: { enable: 0 } });
    expect((await raw(sim(), "GET", "/version", { auth: t })).reason).toBe("Authentication failed!");
    expect((await raw(sim(), "GET", "/version", { auth: token })).reason).toBe("Authentication failed!");
    expect((await raw(sim(), "POST", "/access/ticket", { form: { username: "dis@pve", password: "password-1" } })).status).toBe(401);
    await raw(sim(), "PUT", "/access/users/dis@pve", { auth: root, form: { enable: 1 } });
    const past = Math.floor(sim().clock.now() / 1000) - 10;
    await raw(sim(), "PUT", "/access/users/dis@pve/token/t1", { auth: root, form: { expire: past } });
    expect((await raw(sim(), "GET", "/version", { auth: token })).reason).toBe("Authentication failed!");
    await raw(sim(), "PUT", "/access/users/dis@pve", { auth: root, form: { expire: past } });
    expect((await raw(sim(), "GET", "/version", { auth: t })).reason).toBe("Authentication failed!");
  });
});

describe("tickets", () => {
  const key = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();

  it("accepts a ticket while -5 min < age < 2 h, both bounds excluded", () => {
    const signer = new TicketSigner(key);
    const t0 = 1_700_000_000;
    const ticket = signer.ticketFor("root@pam", t0);
    expect(signer.verifyLogin(ticket, t0 + 7199)).toBe("root@pam");
    expect(signer.verifyLogin(ticket, t0 + 7200)).toBeUndefined();
    expect(signer.verifyLogin(ticket, t0 - 299)).toBe("root@pam");
    expect(signer.verifyLogin(ticket, t0 - 300)).toBeUndefined();
    const csrf = signer.csrfFor("root@pam", t0);
    expect(signer.verifyCsrf(csrf, "root@pam", t0 + 7199)).toBe(true);
    expect(signer.verifyCsrf(csrf, "root@pam", t0 + 7200)).toBe(false);
  });

  it("escapes ':' in the ticket data and binds half tickets to their additional data", () => {
    const signer = new TicketSigner(key);
    const t0 = 1_700_000_000;
    const half = signer.assemble('!tfa!{"totp":true}', t0, "alice@pve");
    expect(half.startsWith('PVE:!tfa!{"totp"%3Atrue}:')).toBe(true);
    expect(signer.verify(half, t0, "alice@pve")).toBe('!tfa!{"totp":true}');
    expect(signer.verify(half, t0, "mallory@pve")).toBeUndefined();
    expect(signer.verify(half, t0)).toBeUndefined();
  });
});

describe("the access index and path checks at login", () => {
  it("lists the access subdirectories in PVE's order", async () => {
    const r = await raw(sim(), "GET", "/access", { auth: root });
    expect((r.json?.data as { subdir: string }[]).map((d) => d.subdir)).toEqual([
      "users",
      "groups",
      "roles",
      "acl",
      "domains",
      "openid",
      "tfa",
      "ticket",
      "password",
    ]);
  });

  it("answers a login with path and privs like a ticket login: with cap, without a ticket", async () => {
    const r = await raw(sim(), "POST", "/access/ticket", { form: { username: "root@pam", password: "rootpw-123", path: "/vms/100", privs: "VM.Console" } });
    expect(r.status, r.reason).toBe(200);
    const data = r.json?.data as Record<string, unknown>;
    expect(data["username"]).toBe("root@pam");
    expect(data).not.toHaveProperty("ticket");
    expect(Object.keys(data["cap"] as object).sort()).toEqual(["access", "dc", "mapping", "nodes", "sdn", "storage", "vms"]);
  });
});
