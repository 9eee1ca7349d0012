import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { PveApiError } from "../../index";
import { totp } from "../../provider/client/totp";
import { API_TOKEN, rejection } from "./helpers";
import { clientFor, reply, startServer, type Seen, type TestServer } from "./server";

// Realistic ticket shapes: base64 with '+' and '/', so cookie escaping matters.
const TICKET = (n: number): string => `PVE:root@pam:66F1A2B${n}::aB+c/dE${n}fGh+IjK==`;
const CSRF = (n: number): string => `66F1A2B${n}:Qm9ndXNDU1JGdG9rZW4r+${n}/abcdefghij`;
const PASSWORD = "s3cret-Pa55+word";
const TOTP_SECRET = "JBSWY3DPEHPK3PXP";

interface Pve {
  server: TestServer;
  issued: number;
  valid: Set<string>;
  tfa: boolean;
}

/** A PVE that issues tickets, checks cookie + CSRF like auth_handler, and can demand TOTP. */
async function startAuthPve(): Promise<Pve> {
  const pve: Pve = { server: undefined as unknown as TestServer, issued: 0, valid: new Set(), tfa: false };
  const issue = (res: Parameters<typeof reply>[0], needTfa = false): void => {
    pve.issued++;
    const ticket = needTfa ? `PVE:!tfa!{"totp":true}:66F1A2B3::sig+${pve.issued}` : TICKET(pve.issued);
    if (!needTfa) pve.valid.add(ticket);
    reply(res, 200, { data: { username: "root@pam", ticket, CSRFPreventionToken: CSRF(pve.issued), ...(needTfa ? { NeedTFA: 1 } : { cap: {} }) } });
  };
  pve.server = await startServer((req: Seen, res) => {
    const path = req.url.split("?")[0]!.replace("/api2/json", "");
    if (path === "/access/ticket" && req.method === "POST") {
      const form = new URLSearchParams(req.body);
      const password = form.get("password") ?? "";
      if (form.get("tfa-challenge")) {
        return password === `totp:${totp(TOTP_SECRET)}` ? issue(res) : reply(res, 401, undefined, "authentication failure");
      }
      if (password === PASSWORD || pve.valid.has(password)) return issue(res, pve.tfa && password === PASSWORD);
      return reply(res, 401, undefined, "authentication failure");
    }
    const cookie = /PVEAuthCookie=([^;]*)/.exec(req.headers.cookie ?? "")?.[1];
    const ticket = cookie === undefined ? undefined : decodeURIComponent(cookie);
    if (req.headers.authorization === `PVEAPIToken=${API_TOKEN}`) return reply(res, 200, { data: "token-ok" });
    if (ticket === undefined) return reply(res, 401, undefined, "No ticket");
    if (!pve.valid.has(ticket)) return reply(res, 401, undefined, "Authentication failed!");
    const n = Number(/^PVE:root@pam:66F1A2B(\d+)::/.exec(ticket)?.[1]);
    if (req.method !== "GET" && req.headers["csrfpreventiontoken"] !== CSRF(n)) {
      return reply(res, 401, undefined, "Permission denied - invalid csrf token");
    }
    reply(res, 200, { data: "ticket-ok" });
  });
  return pve;
}

const logins = (pve: Pve): Seen[] => pve.server.requests.filter((r) => r.url.endsWith("/access/ticket"));

describe("API token", () => {
  let pve: Pve;
  beforeAll(async () => (pve = await startAuthPve()));
  afterAll(() => pve.server.close());

  test("sends Authorization: PVEAPIToken=..., no CSRF, no cookie, no login", async () => {
    const client = clientFor(pve.server);
    expect(await client.post("/access/users", { userid: "a@pve" })).toBe("token-ok");
    const seen = pve.server.requests.at(-1)!;
    expect(seen.headers.authorization).toBe(`PVEAPIToken=${API_TOKEN}`);
    expect(seen.headers["csrfpreventiontoken"]).toBeUndefined();
    expect(seen.headers.cookie).toBeUndefined();
    expect(logins(pve)).toHaveLength(0);
  });
});

describe("ticket", () => {
  let pve: Pve;
  beforeAll(async () => (pve = await startAuthPve()));
  afterAll(() => pve.server.close());
  const ticketClient = (extra: object = {}) => clientFor(pve.server, { apiToken: undefined, username: "root@pam", password: PASSWORD, ...extra });

  test("logs in once, sends the uri-escaped cookie on every request and CSRF only on non-GET", async () => {
    const before = logins(pve).length;
    const client = ticketClient();
    expect(await client.get("/cluster/resources")).toBe("ticket-ok");
    expect(await client.put("/cluster/options", { keyboard: "de" })).toBe("ticket-ok");
    expect(logins(pve).length - before).toBe(1);
    const login = logins(pve).at(-1)!;
    expect(login.body).toBe(`username=root%40pam&password=${encodeURIComponent(PASSWORD)}`);
    const [get, put] = pve.server.requests.slice(-2);
    expect(get!.headers.cookie).toBe(`PVEAuthCookie=${encodeURIComponent(TICKET(pve.issued))}`);
    expect(get!.headers["csrfpreventiontoken"]).toBeUndefined();
    expect(put!.headers["csrfpreventiontoken"]).toBe(CSRF(pve.issued));
  });

  test("concurrent first requests share one login", async () => {
    const before = logins(pve).length;
    const client = ticketClient();
    const results = await Promise.all(Array.from({ length: 8 }, () => client.get("/cluster/resources")));
    expect(results).toEqual(Array(8).fill("ticket-ok"));
    expect(logins(pve).length - before).toBe(1);
  });

  test("renews an old ticket by posting it as the password", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const client = ticketClient({ ticketRenewAfterMs: 60_000 });
      await client.get("/cluster/resources");
      const first = TICKET(pve.issued);
      const before = logins(pve).length;
      vi.setSystemTime(Date.now() + 30_000);
      await client.get("/cluster/resources");
      expect(logins(pve).length).toBe(before); // still fresh
      vi.setSystemTime(Date.now() + 31_000);
      await client.get("/cluster/resources");
      expect(logins(pve).length).toBe(before + 1);
      expect(new URLSearchParams(logins(pve).at(-1)!.body).get("password")).toBe(first);
      expect(pve.server.requests.at(-1)!.headers.cookie).toBe(`PVEAuthCookie=${encodeURIComponent(TICKET(pve.issued))}`);
    } finally {
      vi.useRealTimers();
    }
  });

  test("a 401 leads to exactly one re-login and one repeat", async () => {
    const client = ticketClient();
    await client.get("/cluster/resources");
    pve.valid.clear(); // the server forgot every ticket (e.g. key rotation gone wrong)
    const before = pve.server.requests.length;
    expect(await client.get("/cluster/resources")).toBe("ticket-ok");
    const after = pve.server.requests.slice(before).map((r) => `${r.method} ${r.url.replace("/api2/json", "")}`);
    // refused request, password login (a refused ticket is not used to renew), repeat
    expect(after).toEqual(["GET /cluster/resources", "POST /access/ticket", "GET /cluster/resources"]);
    expect(new URLSearchParams(pve.server.requests[before + 1]!.body).get("password")).toBe(PASSWORD);
  });

  test("never loops: a second 401 after re-login is thrown as auth", async () => {
    const client = ticketClient();
    await client.get("/cluster/resources");
    const before = pve.server.requests.length;
    // Every ticket is refused right after issue.
    const original = pve.valid.add.bind(pve.valid);
    pve.valid.clear();
    pve.valid.add = (_v: string) => pve.valid;
    try {
      const error = (await rejection(client.get("/cluster/resources"))) as PveApiError;
      expect(error).toMatchObject({ kind: "auth", status: 401 });
      const gets = pve.server.requests.slice(before).filter((r) => r.method === "GET");
      expect(gets).toHaveLength(2);
    } finally {
      pve.valid.add = original;
    }
  });

  test("wrong password: auth error, password not in the error", async () => {
    const error = (await rejection(ticketClient({ password: "wrong-password-123" }).get("/cluster/resources"))) as PveApiError;
    expect(error).toMatchObject({ kind: "auth", status: 401, path: "/access/ticket" });
    expect(JSON.stringify(error) + error.message + String(error.stack)).not.toContain("wrong-password-123");
  });

  test("TFA: NeedTFA leads to a second login with totp:<code> and the tfa-challenge", async () => {
    pve.tfa = true;
    try {
      const before = logins(pve).length;
      const client = ticketClient({ totpSecret: TOTP_SECRET });
      expect(await client.get("/cluster/resources")).toBe("ticket-ok");
      const [first, second] = logins(pve).slice(before);
      expect(new URLSearchParams(first!.body).get("password")).toBe(PASSWORD);
      const form = new URLSearchParams(second!.body);
      expect(form.get("username")).toBe("root@pam");
      expect(form.get("password")).toMatch(/^totp:\d{6}$/);
      expect(form.get("tfa-challenge")).toMatch(/^PVE:!tfa!/);
      expect(second!.body).toContain("sig%2B"); // '+' of the half-ticket is escaped
    } finally {
      pve.tfa = false;
    }
  });

  test("TFA without a code is a clear auth error", async () => {
    pve.tfa = true;
    try {
      const error = (await rejection(ticketClient().get("/cluster/resources"))) as PveApiError;
      expect(error.kind).toBe("auth");
      expect(error.message).toContain("totpSecret");
    } finally {
      pve.tfa = false;
    }
  });
});
