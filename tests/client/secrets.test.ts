import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ProxmoxClient, type PveApiError } from "../../index";
import { createRedactor, REDACTED } from "../../provider/client/redact";
import { API_TOKEN, rejection, TOKEN_SECRET } from "./helpers";
import { clientFor, reply, startServer, type TestServer } from "./server";

const PASSWORD = "Sup3r-Secret+Passw0rd";
const TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP";
const TICKET = "PVE:root@pam:66F1A2B3::c2lnbmF0dXJl+c2VjcmV0/dGlja2V0==";
const CSRF = "66F1A2B3:Y3NyZnNlY3JldHRva2VuK3NpZ25hdHVyZQ";
const SECRETS = [TOKEN_SECRET, PASSWORD, TOTP_SECRET, TICKET, encodeURIComponent(TICKET), CSRF];

/** Every string a caller or log could ever see from these objects. */
function surfaces(value: unknown): string {
  const e = value as Error;
  return [inspect(value, { depth: 10, showHidden: true }), JSON.stringify(value), String(e?.message), String(e?.stack), inspect(e?.cause, { depth: 10, showHidden: true })].join("\n");
}

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe("redactor", () => {
  test("removes known secrets (raw and uri-escaped) and credential-shaped text", () => {
    const redact = createRedactor(() => [PASSWORD, TICKET]);
    expect(redact(`pw ${PASSWORD} cookie PVEAuthCookie=${encodeURIComponent(TICKET)}; t ${TICKET}`)).toBe(
      `pw ${REDACTED} cookie ${REDACTED}; t ${REDACTED}`,
    );
    expect(redact(`Authorization: PVEAPIToken=ci@pve!x=${TOKEN_SECRET}`)).toBe(`Authorization: ${REDACTED}`);
    expect(redact(`csrf ${CSRF}`)).toBe(`csrf ${REDACTED}`);
    expect(redact("UPID:pve1:000A1B2C:0153F0E1:66F1A2B3:qmstart:100:root@pam:")).toBe("UPID:pve1:000A1B2C:0153F0E1:66F1A2B3:qmstart:100:root@pam:");
  });
});

describe("no secret in errors, logs or inspect output", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((req, res) => {
      const path = req.url.split("?")[0]!.replace("/api2/json", "");
      if (path === "/access/ticket") {
        const form = new URLSearchParams(req.body);
        if (form.get("password") === PASSWORD || form.get("password") === TICKET) {
          return reply(res, 200, { data: { username: "root@pam", ticket: TICKET, CSRFPreventionToken: CSRF } });
        }
        return reply(res, 401, undefined, "authentication failure");
      }
      // A server that echoes credentials back in its error (worst case).
      if (path === "/echo") {
        return reply(res, 500, { data: null, message: `bad request ${req.headers.authorization ?? ""} ${req.headers.cookie ?? ""} ${String(req.headers["csrfpreventiontoken"] ?? "")}` }, "echo");
      }
      reply(res, 400, { data: null, errors: { password: `value '${PASSWORD}' too weak` }, message: "Parameter verification failed.\n" }, "Parameter verification failed.");
    });
  });
  afterAll(() => server.close());

  test("token client: error, logger lines and inspect(client) are clean", async () => {
    const lines: string[] = [];
    const client = clientFor(server, { logger: (l) => lines.push(l), retries: 1 });
    const errors = [await rejection(client.post("/echo")), await rejection(client.get("/echo")), await rejection(client.post("/access/users", { password: PASSWORD }))];
    for (const error of errors) {
      expect((error as PveApiError).kind).toBeDefined();
      expectNoSecret(surfaces(error));
    }
    expect((errors[0] as PveApiError).message).toContain(REDACTED);
    expect(lines.length).toBeGreaterThan(3);
    expectNoSecret(lines.join("\n"));
    expectNoSecret(inspect(client, { showHidden: true, depth: 10 }) + JSON.stringify(client));
    expect(inspect(client)).toContain("token ci@pve!deploy");
  });

  test("ticket client with TOTP secret: errors, logs and inspect are clean", async () => {
    const lines: string[] = [];
    const client = clientFor(server, { apiToken: undefined, username: "root@pam", password: PASSWORD, totpSecret: TOTP_SECRET, logger: (l) => lines.push(l) });
    const error = await rejection(client.put("/echo", { password: PASSWORD }));
    expect((error as PveApiError).pveMessage).toContain(REDACTED);
    expectNoSecret(surfaces(error));
    expectNoSecret(lines.join("\n"));
    expectNoSecret(inspect(client, { showHidden: true, depth: 10 }) + JSON.stringify(client));
  });

  test("a failed login and a bad option do not leak the password or token", async () => {
    const wrong = "Wr0ng-Passw0rd-Value";
    const error = await rejection(clientFor(server, { apiToken: undefined, username: "root@pam", password: wrong }).get("/version"));
    expect(surfaces(error)).not.toContain(wrong);
    let optionError: unknown;
    try {
      new ProxmoxClient({ endpoint: server.origin, apiToken: `ci@pve!deploy:${TOKEN_SECRET}` });
    } catch (e) {
      optionError = e;
    }
    expectNoSecret(surfaces(optionError));
    expect(API_TOKEN).toContain(TOKEN_SECRET); // the secret under test is the real one
  });
});
