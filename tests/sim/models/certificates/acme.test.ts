import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { schemaMethod } from "../../core/schema";
import { validateParams } from "../../core/validate";
import { certFixture } from ".";
import { fakeSim, type FakeSim } from "../fake-context";
import { nodeModel } from "../nodes";

const LE = "https://acme-v02.api.letsencrypt.org/directory";
const STAGING = "https://acme-staging-v02.api.letsencrypt.org/directory";
const TOS = "https://letsencrypt.org/documents/LE-SA-v1.5-February-24-2025.pdf";
const DAY = 24 * 60 * 60 * 1000;

const sim = (): FakeSim => fakeSim([nodeModel()]);
const lastTask = (s: FakeSim) => s.tasks[s.tasks.length - 1];

async function register(s: FakeSim, params: Record<string, unknown>): Promise<string | undefined> {
  await s.call("POST", "/cluster/acme/account", { contact: "admin@example.com", ...params });
  await s.settle();
  return lastTask(s)?.status;
}

async function withDomains(s: FakeSim, node: string, config: Record<string, unknown>): Promise<void> {
  await s.call("PUT", "/nodes/{node}/config", { node, ...config });
}

type Info = { filename: string; san: string[]; notafter: number; issuer: string; fingerprint: string };
async function proxyCert(s: FakeSim, node: string): Promise<Info | undefined> {
  const infos = (await s.call("GET", "/nodes/{node}/certificates/info", { node })) as Info[];
  return infos.find((i) => i.filename === "pveproxy-ssl.pem");
}

describe("ACME directories and CA metadata", () => {
  it("names PVE's two directories and answers meta and tos per directory", async () => {
    const s = sim();
    expect(await s.call("GET", "/cluster/acme/directories")).toEqual([
      { name: "Let's Encrypt V2", url: LE },
      { name: "Let's Encrypt V2 Staging", url: STAGING },
    ]);
    expect(await s.call("GET", "/cluster/acme/tos", {})).toBe(TOS);
    expect(await s.call("GET", "/cluster/acme/meta", { directory: STAGING })).toMatchObject({ termsOfService: TOS });
    expect(await s.call("GET", "/cluster/acme/meta", { directory: "https://acme.zerossl.com/v2/DV90" })).toMatchObject({ externalAccountRequired: true });
    await expect(s.call("GET", "/cluster/acme/meta", { directory: "https://ca.invalid/directory" })).rejects.toMatchObject({ status: 500 });
    const schemas = (await s.call("GET", "/cluster/acme/challenge-schema")) as { id: string; type: string; schema: { fields: Record<string, unknown> } }[];
    expect(schemas.find((p) => p.id === "cf")).toMatchObject({ type: "dns", schema: { fields: { CF_Token: { type: "string" } } } });
    expect((await s.call("GET", "/cluster/acme")) as { name: string }[]).toContainEqual({ name: "plugins" });
  });
});

describe("ACME accounts", () => {
  it("registers in an acmeregister task; the account appears when it ends, with mailto contacts", async () => {
    const s = sim();
    const upid = await s.call("POST", "/cluster/acme/account", { name: "main", contact: "a@example.com,b@example.com", tos_url: TOS });
    expect(upid).toMatch(/^UPID:pve1:[^:]+:[^:]+:[^:]+:acmeregister::root@pam:$/);
    await s.settle();
    expect(lastTask(s)?.status).toBe("OK");
    expect(await s.call("GET", "/cluster/acme/account")).toEqual([{ name: "main" }]);
    const account = (await s.call("GET", "/cluster/acme/account/{name}", { name: "main" })) as Record<string, unknown>;
    expect(account).toMatchObject({
      directory: LE,
      tos: TOS,
      location: expect.stringMatching(/^https:\/\/acme-v02\.api\.letsencrypt\.org\/acme\/acct\/\d+$/),
      account: { status: "valid", contact: ["mailto:a@example.com", "mailto:b@example.com"] },
    });
  });

  it("refuses a second account of the same name, and fails the task without the ToS or a required EAB", async () => {
    const s = sim();
    expect(await register(s, { tos_url: TOS })).toBe("OK");
    await expect(s.call("POST", "/cluster/acme/account", { contact: "x@example.com", tos_url: TOS })).rejects.toMatchObject({
      status: 400,
      errors: { name: "ACME account config file 'default' already exists." },
    });
    expect(await register(s, { name: "notos" })).toBe(
      "Registration failed: POST to 'https://acme-v02.api.letsencrypt.org/acme/new-acct' failed - Must agree to terms of service",
    );
    const zerossl = "https://acme.zerossl.com/v2/DV90";
    expect(await register(s, { name: "zero", directory: zerossl, tos_url: "x" })).toMatch(/External Account Binding is required/);
    expect(await register(s, { name: "zero", directory: zerossl, tos_url: "x", "eab-kid": "kid1", "eab-hmac-key": "aG1hYw" })).toBe("OK");
    expect(await register(s, { name: "nowhere", directory: "https://ca.invalid/directory", tos_url: "x" })).toMatch(/^Registration failed: Error fetching/);
    expect(await s.call("GET", "/cluster/acme/account")).toEqual([{ name: "default" }, { name: "zero" }]);
    // The EAB HMAC key is a secret: never part of what PVE returns.
    expect(JSON.stringify(await s.call("GET", "/cluster/acme/account/{name}", { name: "zero" }))).not.toContain("aG1hYw");
  });

  it("updates the contact (acmeupdate), refreshes without one, deactivates (acmedeactivate) and reports a missing account", async () => {
    const s = sim();
    await register(s, { tos_url: TOS });
    await s.call("PUT", "/cluster/acme/account/{name}", { name: "default", contact: "new@example.com" });
    await s.settle();
    expect(lastTask(s)?.type).toBe("acmeupdate");
    expect(await s.call("GET", "/cluster/acme/account/{name}", { name: "default" })).toMatchObject({ account: { contact: ["mailto:new@example.com"] } });
    await s.call("PUT", "/cluster/acme/account/{name}", { name: "default" });
    expect(lastTask(s)?.type).toBe("acmerefresh");
    await s.call("DELETE", "/cluster/acme/account/{name}", { name: "default" });
    await s.settle();
    expect(lastTask(s)).toMatchObject({ type: "acmedeactivate", status: "OK" });
    expect(await s.call("GET", "/cluster/acme/account")).toEqual([]);
    // A second deactivated account of the same name takes the next free slot.
    await register(s, { tos_url: TOS });
    await s.call("DELETE", "/cluster/acme/account/{name}", { name: "default" });
    await s.settle();
    expect(lastTask(s)?.log).toContain("Renaming account file from '/etc/pve/priv/acme/default' to '/etc/pve/priv/acme/_deactivated_default_1'");
    const missing = { status: 400, errors: { name: "ACME account config file 'default' does not exist." } };
    await expect(s.call("GET", "/cluster/acme/account/{name}", { name: "default" })).rejects.toMatchObject(missing);
    await expect(s.call("PUT", "/cluster/acme/account/{name}", { name: "default", contact: "x@example.com" })).rejects.toMatchObject(missing);
    await expect(s.call("DELETE", "/cluster/acme/account/{name}", { name: "default" })).rejects.toMatchObject(missing);
  });
});

describe("a node's custom certificate (Certificates.pm, CertHelpers::set_cert_files)", () => {
  it('ends its refusals with the extra newline of `die "$@\\n"`, and holds the node\'s pve-certs lock', async () => {
    const s = sim();
    await expect(
      s.call("POST", "/nodes/{node}/certificates/custom", { node: "pve1", certificates: certFixture("custom-a.pem"), key: certFixture("custom-b.key") }),
    ).rejects.toMatchObject({
      status: 500,
      message: expect.stringMatching(/^Setting certificate files failed - \d+: key does not match the certificate \(chain\) \(\)\n\n\n$/),
    });
    await s.call("POST", "/nodes/{node}/certificates/custom", { node: "pve1", certificates: certFixture("custom-a.pem"), key: certFixture("custom-a.key") });
    await expect(
      s.call("POST", "/nodes/{node}/certificates/custom", { node: "pve1", certificates: certFixture("custom-b.pem"), key: certFixture("custom-b.key") }),
    ).rejects.toMatchObject({
      status: 500,
      message: "Custom certificate file exists but force flag is not set.\n\n",
    });
    expect(s.locks).toContain("pve1:/var/lock/pve-certs.lock");
  });
});

describe("ACME plugins", () => {
  const data = Buffer.from("CF_Token=secret-token\nCF_Account_ID=abc\n").toString("base64");

  it("always has the standalone plugin, creates, lists (by type), reads with data and digest, updates and deletes", async () => {
    const s = sim();
    expect(await s.call("GET", "/cluster/acme/plugins", {})).toEqual([expect.objectContaining({ plugin: "standalone", type: "standalone" })]);
    await s.call("POST", "/cluster/acme/plugins", { id: "cf1", type: "dns", api: "cf", data, "validation-delay": 10 });
    const read = (await s.call("GET", "/cluster/acme/plugins/{id}", { id: "cf1" })) as Record<string, unknown>;
    expect(read).toMatchObject({ plugin: "cf1", type: "dns", api: "cf", data, "validation-delay": 10, digest: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(((await s.call("GET", "/cluster/acme/plugins", { type: "dns" })) as { plugin: string }[]).map((p) => p.plugin)).toEqual(["cf1"]);
    await expect(s.call("PUT", "/cluster/acme/plugins/{id}", { id: "cf1", disable: 1, digest: "0".repeat(40) })).rejects.toThrow(
      /detected modified configuration/,
    );
    await s.call("PUT", "/cluster/acme/plugins/{id}", { id: "cf1", disable: 1, delete: "validation-delay", digest: read["digest"] });
    const updated = (await s.call("GET", "/cluster/acme/plugins/{id}", { id: "cf1" })) as Record<string, unknown>;
    expect(updated).toMatchObject({ disable: 1 });
    expect(updated["validation-delay"]).toBeUndefined();
    await s.call("DELETE", "/cluster/acme/plugins/{id}", { id: "cf1" });
    // PVE deletes without looking; the standalone plugin comes back at once.
    await s.call("DELETE", "/cluster/acme/plugins/{id}", { id: "cf1" });
    await s.call("DELETE", "/cluster/acme/plugins/{id}", { id: "standalone" });
    expect(((await s.call("GET", "/cluster/acme/plugins", {})) as { plugin: string }[]).map((p) => p.plugin)).toEqual(["standalone"]);
  });

  it("reports PVE's messages for duplicates, missing plugins and options of another type", async () => {
    const s = sim();
    await s.call("POST", "/cluster/acme/plugins", { id: "cf1", type: "dns", api: "cf" });
    await expect(s.call("POST", "/cluster/acme/plugins", { id: "cf1", type: "dns", api: "cf" })).rejects.toThrow("ACME plugin ID 'cf1' already exists");
    await expect(s.call("GET", "/cluster/acme/plugins/{id}", { id: "nope" })).rejects.toThrow("ACME plugin 'nope' not defined");
    await expect(s.call("PUT", "/cluster/acme/plugins/{id}", { id: "nope", disable: 1 })).rejects.toThrow("ACME plugin ID 'nope' does not exist");
    await expect(s.call("POST", "/cluster/acme/plugins", { id: "dns2", type: "dns" })).rejects.toThrow("missing value for required option 'api'");
    await expect(s.call("POST", "/cluster/acme/plugins", { id: "sa", type: "standalone", api: "cf" })).rejects.toThrow("unexpected property 'api'");
    await expect(s.call("PUT", "/cluster/acme/plugins/{id}", { id: "standalone", api: "cf" })).rejects.toThrow("unexpected property 'api'");
  });

  it("deletes before it sets, without refusing a key both set and deleted; the delete list is checked against the plugin's type", async () => {
    const s = sim();
    await s.call("POST", "/cluster/acme/plugins", { id: "cf1", type: "dns", api: "cf", "validation-delay": 30 });
    await s.call("PUT", "/cluster/acme/plugins/{id}", { id: "cf1", "validation-delay": 60, delete: "validation-delay" });
    expect(await s.call("GET", "/cluster/acme/plugins/{id}", { id: "cf1" })).toMatchObject({ "validation-delay": 60 });
    await expect(s.call("PUT", "/cluster/acme/plugins/{id}", { id: "cf1", delete: "api" })).rejects.toThrow("unable to delete required option 'api'");
    await expect(s.call("PUT", "/cluster/acme/plugins/{id}", { id: "standalone", delete: "api" })).rejects.toThrow("no such option 'api'");
  });
});

describe("a node's ACME certificate", () => {
  it("orders (acmenewcert) a real certificate for the configured domains, visible in certificates/info", async () => {
    const s = sim();
    await register(s, { tos_url: TOS });
    await s.call("POST", "/cluster/acme/plugins", { id: "cf1", type: "dns", api: "cf" });
    await withDomains(s, "pve1", { acme: "domains=PVE1.example.com", acmedomain0: "domain=api.example.com,plugin=cf1" });
    expect(await s.call("GET", "/nodes/{node}/certificates/acme", { node: "pve1" })).toEqual([{ name: "certificate" }]);
    await s.call("POST", "/nodes/{node}/certificates/acme/certificate", { node: "pve1" });
    await s.settle();
    expect(lastTask(s)).toMatchObject({ type: "acmenewcert", status: "OK" });
    const info = await proxyCert(s, "pve1");
    expect(info?.san).toEqual(["pve1.example.com", "api.example.com"]);
    expect(info?.issuer).toMatch(/Simulated ACME CA \(Let's Encrypt V2\)/);
    expect(info?.notafter).toBe(Math.floor((s.ctx.now() + 90 * DAY) / 1000));
    const infos = (await s.call("GET", "/nodes/{node}/certificates/info", { node: "pve1" })) as { filename: string; pem: string }[];
    expect(new X509Certificate(infos.find((i) => i.filename === "pveproxy-ssl.pem")?.pem ?? "").subject).toBe("CN=pve1.example.com");
  });

  it("refuses without domains, without force over an existing certificate, with a missing plugin or account", async () => {
    const s = sim();
    await expect(s.call("POST", "/nodes/{node}/certificates/acme/certificate", { node: "pve1" })).rejects.toMatchObject({
      status: 500,
      message: "ACME domain list in node configuration is missing!",
    });
    // verify_conf refuses these when the node config is written.
    await expect(withDomains(s, "pve1", { acmedomain0: "domain=a.example.com,plugin=gone" })).rejects.toMatchObject({
      status: 500,
      message: "plugin 'gone' for domain 'a.example.com' not found!\n",
    });
    await expect(withDomains(s, "pve1", { acme: "account=missing,domains=a.example.com", acmedomain0: "domain=A.example.com" })).rejects.toMatchObject({
      message: "duplicate domain 'a.example.com' in ACME config properties 'acmedomain0' and 'acme'\n",
    });
    await withDomains(s, "pve1", { acme: "account=missing,domains=a.example.com" });
    await s.call("POST", "/nodes/{node}/certificates/acme/certificate", { node: "pve1" });
    await s.settle();
    expect(lastTask(s)?.status).toBe("ACME account config file 'missing' does not exist.");
    expect(await proxyCert(s, "pve1")).toBeUndefined();
    await register(s, { name: "missing", tos_url: TOS });
    await s.call("POST", "/nodes/{node}/certificates/acme/certificate", { node: "pve1" });
    await s.settle();
    await expect(s.call("POST", "/nodes/{node}/certificates/acme/certificate", { node: "pve1" })).rejects.toMatchObject({
      status: 400,
      errors: { force: "Custom certificate exists but 'force' is not set." },
    });
    await s.call("POST", "/nodes/{node}/certificates/acme/certificate", { node: "pve1", force: 1 });
    await s.settle();
    expect(lastTask(s)?.status).toBe("OK");
  });

  it("renews (acmerenew) only within 30 days of expiry unless forced, and revokes (acmerevoke)", async () => {
    const s = sim();
    await register(s, { tos_url: TOS });
    await expect(s.call("PUT", "/nodes/{node}/certificates/acme/certificate", { node: "pve2" })).rejects.toThrow(
      "No current (custom) certificate found, please order a new certificate!",
    );
    await withDomains(s, "pve2", { acme: "domains=pve2.example.com" });
    await s.call("POST", "/nodes/{node}/certificates/acme/certificate", { node: "pve2" });
    await s.settle();
    const first = await proxyCert(s, "pve2");
    await expect(s.call("PUT", "/nodes/{node}/certificates/acme/certificate", { node: "pve2" })).rejects.toMatchObject({
      errors: { force: "Certificate does not expire within the next 30 days, and 'force' is not set." },
    });
    await s.call("PUT", "/nodes/{node}/certificates/acme/certificate", { node: "pve2", force: 1 });
    await s.settle();
    expect(lastTask(s)).toMatchObject({ type: "acmerenew", status: "OK" });
    s.advance(61 * DAY);
    await s.call("PUT", "/nodes/{node}/certificates/acme/certificate", { node: "pve2" });
    await s.settle();
    const renewed = await proxyCert(s, "pve2");
    expect(renewed?.fingerprint).not.toBe(first?.fingerprint);
    expect(renewed?.notafter).toBe(Math.floor((s.ctx.now() + 90 * DAY) / 1000));
    await s.call("DELETE", "/nodes/{node}/certificates/acme/certificate", { node: "pve2" });
    await s.settle();
    expect(lastTask(s)).toMatchObject({ type: "acmerevoke", status: "OK" });
    expect(await proxyCert(s, "pve2")).toBeUndefined();
    await expect(s.call("DELETE", "/nodes/{node}/certificates/acme/certificate", { node: "pve2" })).rejects.toThrow(/No such file or directory/);
  });
});

describe("EAB parameters through the simulator's schema validation", () => {
  it("takes the EAB key id and HMAC key both or neither (the schema's `requires`)", () => {
    const def = schemaMethod("POST", "/cluster/acme/account");
    const errorsOf = (params: Record<string, unknown>): unknown => {
      try {
        validateParams(def?.parameters ?? {}, params, false);
        return {};
      } catch (error) {
        return (error as { errors?: unknown }).errors;
      }
    };
    expect(errorsOf({ contact: "a@example.com", "eab-kid": "kid" })).toEqual({ "eab-hmac-key": "missing property required by 'eab-kid'" });
    expect(errorsOf({ contact: "a@example.com", "eab-hmac-key": "k" })).toEqual({ "eab-kid": "missing property required by 'eab-hmac-key'" });
    expect(errorsOf({ contact: "a@example.com", "eab-kid": "kid", "eab-hmac-key": "k" })).toEqual({});
  });
});
