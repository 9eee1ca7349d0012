import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProxmoxClient } from "../../provider/client";
import { invokeRead } from "../../provider/reads";
import { ALLOW_CLUSTER_CHANGE, CONNECTION_SETTINGS, allowsClusterChange, connectionSource, resolveConnection } from "../../provider/runtime/credentials";
import { rejection } from "../client/helpers";
import { reply, startServer, type TestServer } from "../client/server";

const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });
/** A CA that did not sign the test server's certificate. */
const OTHER_CA = readFileSync(join(__dirname, "..", "sim", "fixtures", "certs", "pve-root-ca.pem"), "utf8");

describe("resolveConnection", () => {
  it("prefers stack config over the environment", () => {
    const options = resolveConnection(config({ "proxmox:endpoint": "https://a:8006", "proxmox:apiToken": "a@pve!t=1" }), {
      PROXMOX_VE_ENDPOINT: "https://b:8006",
      PROXMOX_VE_API_TOKEN: "b@pve!t=2",
    });
    expect(options).toEqual({ endpoint: "https://a:8006", apiToken: "a@pve!t=1" });
  });

  it("falls back to PROXMOX_VE_* and reads ticket credentials, pinning and insecure", () => {
    const options = resolveConnection(undefined, {
      PROXMOX_VE_ENDPOINT: "https://b:8006",
      PROXMOX_VE_USERNAME: "root@pam",
      PROXMOX_VE_PASSWORD: "pw",
      PROXMOX_VE_FINGERPRINT: "AA:BB",
      PROXMOX_VE_INSECURE: "true",
      PROXMOX_VE_TOTP_SECRET: "JBSWY3DPEHPK3PXP",
    });
    expect(options).toEqual({
      endpoint: "https://b:8006",
      username: "root@pam",
      password: "pw",
      fingerprint: "AA:BB",
      insecure: true,
      totpSecret: "JBSWY3DPEHPK3PXP",
    });
  });

  it("takes nothing from the environment once the stack config sets any connection setting", () => {
    // The case: a stack for cluster B (endpoint, username, secret password) and a token for cluster A in the shell.
    const env = {
      PROXMOX_VE_ENDPOINT: "https://a:8006",
      PROXMOX_VE_API_TOKEN: "deploy@pve!a=aaaaaaaa-0000-0000-0000-000000000000",
      PROXMOX_VE_INSECURE: "1",
      PROXMOX_VE_FINGERPRINT: "AA:BB",
      PROXMOX_VE_OTP: "123456",
    };
    const options = resolveConnection(config({ "proxmox:endpoint": "https://b:8006", "proxmox:username": "root@pam", "proxmox:password": "b-secret" }), env);
    expect(options).toEqual({ endpoint: "https://b:8006", username: "root@pam", password: "b-secret" });
    // One setting alone (a pinned fingerprint) already makes the stack config the source.
    expect(connectionSource(config({ "proxmox:fingerprint": "AA:BB" }))).toBe("stack config");
    expect(() => resolveConnection(config({ "proxmox:fingerprint": "AA:BB" }), env)).toThrow(/proxmox:endpoint.*no PROXMOX_VE_\* variable is used/);
    expect(() => resolveConnection(config({ "proxmox:endpoint": "https://b:8006" }), env)).toThrow(/proxmox:apiToken.*no PROXMOX_VE_\* variable is used/);
    // Keys that are not connection settings leave the environment in charge.
    expect(connectionSource(config({ "proxmox:allowClusterChange": "true", "project:resources": "[]" }))).toBe("environment");
    expect(resolveConnection(config({ [ALLOW_CLUSTER_CHANGE]: "true" }), env)).toMatchObject({
      endpoint: "https://a:8006",
      apiToken: env.PROXMOX_VE_API_TOKEN,
    });
  });

  it("says how to set a missing endpoint or credential", () => {
    expect(() => resolveConnection(undefined, {})).toThrow(/proxmox:endpoint.*PROXMOX_VE_ENDPOINT/);
    expect(() => resolveConnection(undefined, { PROXMOX_VE_ENDPOINT: "https://b:8006" })).toThrow(/proxmox:apiToken.*PROXMOX_VE_API_TOKEN/);
  });

  it("documents every setting as a config key and an environment variable", () => {
    expect(CONNECTION_SETTINGS.map((s) => s.config)).toContain("proxmox:apiToken");
    for (const setting of CONNECTION_SETTINGS) expect(setting.env).toMatch(/^PROXMOX_VE_[A-Z_]+$/);
  });

  it("allows a cluster change only from the stack config, and only when set to true", () => {
    expect(allowsClusterChange(config({ [ALLOW_CLUSTER_CHANGE]: "true" }))).toBe(true);
    expect(allowsClusterChange(config({ [ALLOW_CLUSTER_CHANGE]: "false" }))).toBe(false);
    expect(allowsClusterChange(undefined)).toBe(false);
  });
});

describe("credentials and TLS settings on the wire", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((req, res) => {
      if (req.url.endsWith("/access/ticket")) {
        return reply(res, 200, {
          data: { username: "root@pam", ticket: "PVE:root@pam:66F1A2B3::c2lnbmF0dXJl", CSRFPreventionToken: "66F1A2B3:Y3NyZnRva2VuLXNpZ25hdHVyZQ" },
        });
      }
      reply(res, 200, { data: { version: "9.2.11", release: "9.2", repoid: "0123456789abcdef" } });
    });
  });
  afterAll(() => server.close());

  it("a token in the shell never reaches the cluster the stack config points at", async () => {
    const shellToken = "deploy@pve!a=aaaaaaaa-1111-2222-3333-444444444444";
    const options = resolveConnection(
      config({
        "proxmox:endpoint": server.origin,
        "proxmox:apiToken": "ci@pve!b=bbbbbbbb-1111-2222-3333-444444444444",
        "proxmox:fingerprint": server.fingerprint,
      }),
      { PROXMOX_VE_API_TOKEN: shellToken },
    );
    const client = new ProxmoxClient({ ...options, retries: 0 });
    await client.get("/version");
    client.close();
    const seen = server.requests.map((r) => String(r.headers.authorization ?? ""));
    expect(seen.at(-1)).toContain("ci@pve!b=");
    expect(seen.join("\n")).not.toContain("aaaaaaaa-1111");
  });

  it("a stray PROXMOX_VE_INSECURE does not switch off the stack config's caCert: a server with another certificate receives nothing", async () => {
    const before = server.requests.length;
    const options = resolveConnection(
      config({ "proxmox:endpoint": server.origin, "proxmox:apiToken": "ci@pve!b=cccccccc-1111-2222-3333-444444444444", "proxmox:caCert": OTHER_CA }),
      { PROXMOX_VE_INSECURE: "1" },
    );
    const client = new ProxmoxClient({ ...options, retries: 0 });
    expect(await rejection(client.get("/version"))).toMatchObject({ kind: "unreachable" });
    client.close();
    expect(server.requests.length).toBe(before);
  });

  it("read functions resolve the same way: a program's stack config with a password never sends the shell's token", async () => {
    const saved = { ...process.env };
    process.env["PROXMOX_VE_ENDPOINT"] = "https://cluster-a.invalid:8006";
    process.env["PROXMOX_VE_API_TOKEN"] = "deploy@pve!a=eeeeeeee-1111-2222-3333-444444444444";
    pulumi.runtime.setAllConfig(
      { "proxmox:endpoint": server.origin, "proxmox:username": "root@pam", "proxmox:password": "b-root-Passw0rd", "proxmox:fingerprint": server.fingerprint },
      ["proxmox:password"],
    );
    try {
      const before = server.requests.length;
      expect(await invokeRead("getVersion", {})).toMatchObject({ release: "9.2" });
      const seen = server.requests.slice(before);
      expect(seen.map((r) => r.url)).toContain("/api2/json/access/ticket");
      expect(seen.map((r) => String(r.headers.authorization ?? "")).join("\n")).not.toContain("eeeeeeee-1111");
    } finally {
      pulumi.runtime.setAllConfig({});
      process.env = saved;
    }
  });

  it("insecure with a CA bundle from one source is refused, naming both", () => {
    const options = resolveConnection(undefined, {
      PROXMOX_VE_ENDPOINT: server.origin,
      PROXMOX_VE_API_TOKEN: "ci@pve!b=dddddddd-1111-2222-3333-444444444444",
      PROXMOX_VE_CA_CERT: OTHER_CA,
      PROXMOX_VE_INSECURE: "true",
    });
    expect(() => new ProxmoxClient(options)).toThrow(/'insecure' and 'caCert' exclude each other/);
  });
});
