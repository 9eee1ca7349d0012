import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ProxmoxClient, type PveApiError } from "../../index";
import { createRedactor, REDACTED } from "../../provider/client/redact";
import { safeServerText } from "../../provider/client/sanitize";
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
  return [
    inspect(value, { depth: 10, showHidden: true }),
    JSON.stringify(value),
    String(e?.message),
    String(e?.stack),
    inspect(e?.cause, { depth: 10, showHidden: true }),
  ].join("\n");
}

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe("redactor", () => {
  test("removes known secrets (raw and uri-escaped) and credential-shaped text", () => {
    const redact = createRedactor(() => [PASSWORD, TICKET]);
    expect(redact(`pw ${PASSWORD} cookie PVEAuthCookie=${encodeURIComponent(TICKET)}; t ${TICKET}`)).toBe(`pw ${REDACTED} cookie ${REDACTED}; t ${REDACTED}`);
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
        return reply(
          res,
          500,
          {
            data: null,
            message: `bad request ${req.headers.authorization ?? ""} ${req.headers.cookie ?? ""} ${String(req.headers["csrfpreventiontoken"] ?? "")}`,
          },
          "echo",
        );
      }
      reply(
        res,
        400,
        { data: null, errors: { password: `value '${PASSWORD}' too weak` }, message: "Parameter verification failed.\n" },
        "Parameter verification failed.",
      );
    });
  });
  afterAll(() => server.close());

  test("token client: error, logger lines and inspect(client) are clean", async () => {
    const lines: string[] = [];
    const client = clientFor(server, { logger: (l) => lines.push(l), retries: 1 });
    const errors = [
      await rejection(client.post("/echo")),
      await rejection(client.get("/echo")),
      await rejection(client.post("/access/users", { password: PASSWORD })),
    ];
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

describe("a secret in the forms a server echoes it in", () => {
  const redact = (secret: string) => createRedactor(() => [secret]);
  const PEM =
    "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg3bd2mLpLm1yE9e4v\nhRANCAAT2qP8F3Jq2n7W0mK8xTy5qLxJq4m9rHh0F5yB9x0z7c1wXkq2V3tN\n-----END PRIVATE KEY-----\n";
  const KEYRING = '[client.admin]\n\tkey = AQDkN8BlAAAAABAAu3kWFkzFzR3JrYFqLq6pXw==\n\tcaps mon = "allow *"\n';

  // [what, the secret, the form the server echoes]
  test.each<[string, string, string]>([
    ["percent-encoded", "pa ss/wörd+1", "pa%20ss%2Fw%C3%B6rd%2B1"],
    ["form-encoded (+ for spaces)", "pa ss/wörd+1", "pa+ss%2Fw%C3%B6rd%2B1"],
    ["base64", "hunter2-extra", Buffer.from("hunter2-extra").toString("base64")],
    ["decoded from base64", Buffer.from("CF_Token=cf-0123456789abcdef\nCF_Account_ID=42\n").toString("base64"), "CF_Token=cf-0123456789abcdef"],
    ["a value inside base64 KEY=value lines", Buffer.from("CF_Token=cf-0123456789abcdef\nCF_Account_ID=42\n").toString("base64"), "cf-0123456789abcdef"],
    ["a sub-key of a property string", "type=yubico,id=42,key=yK3y-0123456789abcdef,url=https://api.example/verify", "yK3y-0123456789abcdef"],
    ["the base32 inside a TOTP URI", "otpauth://totp/pve:alice?secret=JBSWY3DPEHPK3PXPJBSW&issuer=pve", "JBSWY3DPEHPK3PXPJBSW"],
    ["the base32 of a TOTP URI in upper case", "otpauth://totp/pve:alice?secret=jbswy3dpehpk3pxpjbsw", "JBSWY3DPEHPK3PXPJBSW"],
    ["the password of a URL's userinfo", "http://proxy-user:Pr0xy-P4ss@proxy.example:3128", "Pr0xy-P4ss"],
    ["one line of a PEM key", PEM, "hRANCAAT2qP8F3Jq2n7W0mK8xTy5qLxJq4m9rHh0F5yB9x0z7c1wXkq2V3tN"],
    ["one line of a keyring", KEYRING, "key = AQDkN8BlAAAAABAAu3kWFkzFzR3JrYFqLq6pXw=="],
    ["the key of a keyring line", KEYRING, "AQDkN8BlAAAAABAAu3kWFkzFzR3JrYFqLq6pXw=="],
    ["a string inside a JSON key file", '{"kdf":null,"created":"2025-01-01T00:00:00Z","key":"c2VjcmV0LWtleS1tYXRlcmlhbA=="}', "c2VjcmV0LWtleS1tYXRlcmlhbA=="],
    ["JSON-escaped", 'pa"ss\\word', 'pa\\"ss\\\\word'],
  ])("%s", (_what, secret, echoed) => {
    const out = redact(secret)(`PVE says: ${echoed} (end)`);
    expect(out).toBe(`PVE says: ${REDACTED} (end)`);
  });

  test("the armor lines of a PEM and short sub-values of a property string stay: they are no secret", () => {
    expect(redact("type=yubico,id=42,key=yK3y-0123456789abcdef")("realm tfa type=yubico digits=6")).toBe("realm tfa type=yubico digits=6");
    expect(redact("-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49\n-----END PRIVATE KEY-----")("expected -----BEGIN PRIVATE KEY-----")).toBe(
      "expected -----BEGIN PRIVATE KEY-----",
    );
  });

  test("a secret stays redacted whether a server echoes it with its line breaks, or broken up by control characters", () => {
    const pem = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49\nAwEHBG0wawIBAQQg3bd2mLpLm1yE9e4v\n-----END PRIVATE KEY-----";
    expect(safeServerText(`bad key:\n${pem}\n`, redact(pem))).toBe(`bad key: ${REDACTED} `);
    expect(safeServerText("pw hunter2-\u0007s3cret!", redact("hunter2-s3cret!"))).toBe(`pw ${REDACTED}`);
  });

  test("a URL's password is redacted even when the client was never told about it", () => {
    expect(createRedactor(() => [])("proxy http://u:s3cret@host:3128 failed")).toBe(`proxy http://u:${REDACTED}@host:3128 failed`);
    expect(createRedactor(() => [])("see https://pve1:8006/#v1 and ssh://root@pve1")).toBe("see https://pve1:8006/#v1 and ssh://root@pve1");
  });

  test("a request's own secrets (RequestOptions.secrets) and TFA's one-time value never reach its error or the log", async () => {
    const echoed = await startServer((req, res) => {
      const form = new URLSearchParams(req.body);
      const values = [...form.values()];
      // Every value as it came, percent- and form-encoded, base64, decoded from base64.
      const echo = values.flatMap((v) => [
        v,
        encodeURIComponent(v),
        form.toString(),
        Buffer.from(v).toString("base64"),
        Buffer.from(v, "base64").toString("utf8"),
      ]);
      reply(
        res,
        400,
        { data: null, message: `refused: ${echo.join(" | ")}`, errors: Object.fromEntries([...form].map(([k, v]) => [k, `bad '${v}'`])) },
        "refused",
      );
    });
    try {
      const lines: string[] = [];
      const client = clientFor(echoed, { retries: 0, logger: (l) => lines.push(l) });
      const data = Buffer.from("DO_Token=do-0123456789abcdef\n").toString("base64");
      const plugin = (await rejection(client.post("/cluster/acme/plugins", { id: "dns1", type: "dns", api: "do", data }, { secrets: [data] }))) as PveApiError;
      const tfa = (await rejection(client.post("/access/tfa/alice@pve", { type: "totp", value: "493817" }))) as PveApiError;
      for (const text of [surfaces(plugin), surfaces(tfa), lines.join("\n")]) {
        expect(text).not.toContain(data);
        expect(text).not.toContain("do-0123456789abcdef");
        expect(text).not.toContain("493817");
      }
      expect(plugin.errors?.["data"]).toBe(`bad '${REDACTED}'`);
      expect(tfa.errors?.["value"]).toBe(`bad '${REDACTED}'`);
      expect(plugin.errors?.["api"]).toBe("bad 'do'"); // what is not secret stays readable
      client.close();
    } finally {
      await echoed.close();
    }
  });
});
