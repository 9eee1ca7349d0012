/**
 * `/nodes/{node}/certificates/acme/certificate`: ordering, renewing and revoking the node's
 * certificate from its ACME account, with PVE's checks (pve-manager `API2/ACME.pm`, the domain
 * list of `PVE::NodeConfig::get_acme_conf`). The issued certificate becomes the node's
 * `pveproxy-ssl.pem`, like a custom one.
 *
 * Certificates are made with `selfsigned` (already the simulator's TLS certificate generator):
 * one simulated CA per directory signs a real X.509 leaf with the ordered domains as SANs and a
 * validity that starts at the simulator's clock, so renewal's "expires within 30 days" rule can be
 * tested by moving the clock. No `openssl` binary is needed (OpenSSL 3.0 cannot set a start date),
 * and fixtures could not carry arbitrary domains.
 */
import { X509Certificate } from "node:crypto";
import { generate } from "selfsigned";
import type { SimContext, SimRequest } from "../../types";
import { SimError } from "../../types";
import { type AcmeState, directoryOf } from "./acme";
import { pveDie, type ConfigRecord } from "../config-text";
import type { NodeCerts } from ".";
import type { NodeConfigFile } from "../nodes/config";
import type { Register } from "../generic-store";
import { paramError } from "../param-error";
import { parsePropertyString, subKeysOf } from "../property-string";
import { parametersOf } from "../../core/schema";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Let's Encrypt's validity; PVE renews (without `force`) within 30 days of the end. */
const VALIDITY_MS = 90 * DAY_MS;
const RENEW_WINDOW_MS = 30 * DAY_MS;
/** `$MAXDOMAINS` of PVE::NodeConfig. */
const MAX_DOMAINS = 5;

/** The node's ACME settings as `get_acme_conf` returns them: lower-cased domains with their plugin. */
export interface AcmeNodeConfig {
  readonly account: string;
  readonly domains: ReadonlyMap<string, { plugin: string; alias?: string; configKey: string }>;
}

/** `get_acme_conf`: the `acme` property's standalone domains, then `acmedomain0..5`, without duplicates. */
export function acmeNodeConfig(config: ConfigRecord, plugins: AcmeState["plugins"]): AcmeNodeConfig {
  const schema = parametersOf("PUT", "/nodes/{node}/config");
  const domains = new Map<string, { plugin: string; alias?: string; configKey: string }>();
  let account = "default";
  if (typeof config.acme === "string") {
    const parsed = parsePropertyString(config.acme, subKeysOf(schema.acme) ?? {});
    if (typeof parsed.account === "string") account = parsed.account;
    for (const raw of String(parsed.domains ?? "")
      .split(";")
      .filter((d) => d !== "")) {
      const domain = raw.toLowerCase();
      if (domains.has(domain)) throw pveDie(`duplicate domain '${domain}' in ACME config properties`);
      domains.set(domain, { plugin: "standalone", configKey: "acme" });
    }
  }
  for (let index = 0; index <= MAX_DOMAINS; index += 1) {
    const record = config[`acmedomain${index}`];
    if (typeof record !== "string") continue;
    const parsed = parsePropertyString(record, subKeysOf(schema["acmedomain[n]"]) ?? {});
    const domain = String(parsed.domain).toLowerCase();
    const existing = domains.get(domain);
    if (existing) throw pveDie(`duplicate domain '${domain}' in ACME config properties 'acmedomain${index}' and '${existing.configKey}'`);
    const plugin = typeof parsed.plugin === "string" ? parsed.plugin : "standalone";
    if (plugin !== "standalone" && !plugins.has(plugin)) throw pveDie(`plugin '${plugin}' for domain '${domain}' not found!`);
    domains.set(domain, { plugin, configKey: `acmedomain${index}`, ...(typeof parsed.alias === "string" ? { alias: parsed.alias } : {}) });
  }
  return { account, domains };
}

/** What the node certificate model needs from the others. */
export interface AcmeCertificateDeps {
  readonly acme: AcmeState;
  readonly nodeConfig: (node: unknown) => NodeConfigFile;
  readonly certs: (node: unknown) => NodeCerts;
}

/** Registers the node's ACME index and its certificate's order, renewal and revocation. */
export function installAcmeCertificates(register: Register, ctx: SimContext, deps: AcmeCertificateDeps): void {
  const cas = new Map<string, Promise<{ key: string; cert: string }>>();
  const caFor = (directory: string): Promise<{ key: string; cert: string }> => {
    let ca = cas.get(directory);
    if (!ca) {
      const name = `Simulated ACME CA (${directoryOf(directory).name})`;
      ca = generate(
        [
          { name: "commonName", value: name },
          { name: "organizationName", value: "PVE simulator" },
        ],
        {
          keyType: "ec",
          algorithm: "sha256",
          notBeforeDate: new Date(ctx.now() - DAY_MS),
          notAfterDate: new Date(ctx.now() + 3650 * DAY_MS),
          extensions: [
            { name: "basicConstraints", cA: true, critical: true },
            { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
          ],
        },
      ).then((pems) => ({ key: pems.private, cert: pems.cert }));
      cas.set(directory, ca);
    }
    return ca;
  };

  /**
   * The node's ACME config, or PVE's refusal when it names no domain. API2/ACME.pm raises it with
   * `raise($msg, 400)`, which sets no `code` (an odd key/value list): it is a 500, and the message
   * has no newline.
   */
  const domainsOf = (node: string): AcmeNodeConfig => {
    const conf = acmeNodeConfig(deps.nodeConfig(node).record(), deps.acme.plugins);
    if (conf.domains.size === 0) throw new SimError(500, "ACME domain list in node configuration is missing!");
    return conf;
  };

  /** `$order_certificate` inside the task: validates every domain through its plugin, then issues. */
  const order = async (conf: AcmeNodeConfig, log: (line: string) => void): Promise<{ chain: string; key: string }> => {
    const account = deps.acme.accounts.get(conf.account);
    if (!account) throw new Error(`ACME account config file '${conf.account}' does not exist.`);
    log("Loading ACME account details");
    log("Placing ACME order");
    for (const [domain, { plugin }] of conf.domains) {
      log(`The validation for ${domain} is pending!`);
      if (!deps.acme.plugins.has(plugin)) throw new Error(`plugin '${plugin}' for domain '${domain}' not found!`);
      log(`Status is 'valid', domain '${domain}' OK!`);
    }
    log("All domains validated!");
    log("Creating CSR");
    const ca = await caFor(account.directory);
    const names = [...conf.domains.keys()];
    const pems = await generate([{ name: "commonName", value: names[0] ?? "" }], {
      keyType: "ec",
      algorithm: "sha256",
      notBeforeDate: new Date(ctx.now()),
      notAfterDate: new Date(ctx.now() + VALIDITY_MS),
      ca,
      extensions: [{ name: "subjectAltName", altNames: names.map((value) => ({ type: 2 as const, value })) }],
    });
    log("Downloading certificate");
    return { chain: `${pems.cert.trim()}\n${ca.cert.trim()}\n`, key: pems.private };
  };

  /** `cert_lock`: the node's own lock file, held only while the files change. */
  const certLock = <T>(node: string, fn: () => T): Promise<T> => ctx.withLock(`${node}:/var/lock/pve-certs.lock`, fn);

  const install = (node: string, log: (line: string) => void, issued: { chain: string; key: string }): Promise<void> =>
    certLock(node, () => {
      log("Setting pveproxy certificate and key");
      const state = deps.certs(node);
      state.custom = issued;
      log("Restarting pveproxy");
      state.restarts += 1;
    });

  const task = (req: SimRequest, type: string, work: (log: (line: string) => void) => Promise<void>): string =>
    ctx.startTask({ node: String(req.params.node), type, auth: req.auth, work });

  register("GET", "/nodes/{node}/certificates/acme", () => [{ name: "certificate" }]);

  register("POST", "/nodes/{node}/certificates/acme/certificate", (req) => {
    const node = String(req.params.node);
    if (!req.params.force && deps.certs(node).custom) throw paramError({ force: "Custom certificate exists but 'force' is not set." });
    const conf = domainsOf(node);
    return task(req, "acmenewcert", async (log) => install(node, log, await order(conf, log)));
  });

  register("PUT", "/nodes/{node}/certificates/acme/certificate", (req) => {
    const node = String(req.params.node);
    const current = deps.certs(node).custom;
    if (!current) throw pveDie("No current (custom) certificate found, please order a new certificate!");
    const notAfter = Date.parse(new X509Certificate(current.chain).validTo);
    if (notAfter > ctx.now() + RENEW_WINDOW_MS && !req.params.force) {
      throw paramError({ force: "Certificate does not expire within the next 30 days, and 'force' is not set." });
    }
    const conf = domainsOf(node);
    return task(req, "acmerenew", async (log) => {
      await install(node, log, await order(conf, log));
      log("Revoking old certificate");
    });
  });

  register("DELETE", "/nodes/{node}/certificates/acme/certificate", (req) => {
    const node = String(req.params.node);
    const conf = domainsOf(node);
    if (!deps.certs(node).custom) throw pveDie(`can't open '/etc/pve/nodes/${node}/pveproxy-ssl.pem' - No such file or directory`);
    return task(req, "acmerevoke", async (log) => {
      if (!deps.acme.accounts.has(conf.account)) throw new Error(`ACME account config file '${conf.account}' does not exist.`);
      log("Loading ACME account details");
      log("Revoking old certificate");
      await certLock(node, () => {
        const state = deps.certs(node);
        log("Deleting certificate files");
        delete state.custom;
        log("Restarting pveproxy to revert to self-signed certificates");
        state.restarts += 1;
      });
    });
  });
}
