/**
 * `/cluster/acme`: the known directories, their (simulated) CA metadata, ACME accounts and
 * challenge plugins, as pve-manager serves them: `PVE/API2/ACMEAccount.pm` (`index`,
 * `account_index`, `register_account`, `$update_account`, `update_account`, `get_account`,
 * `deactivate_account`, `get_tos`, `get_meta`, `get_directories`, `challengeschema`) and
 * `PVE/API2/ACMEPlugin.pm` (`index`, `get_plugin_config`, `add_plugin`, `update_plugin`,
 * `delete_plugin`, `load_config`), with `PVE/CertHelpers.pm::list_acme_accounts`. What lives only
 * in proxmox-acme (not in /work/src: the CA protocol and its errors, `PVE/ACME/Challenge.pm`'s
 * plugin options and the DNS plugin schema) is modelled from its documented behaviour: no CA is
 * contacted; each known directory answers like the real one would (Terms of Service, External
 * Account Binding), and accounts register at once inside their worker task.
 */
import { randomInt } from "node:crypto";
import type { SimContext, SimRequest } from "../../types";
import { type ConfigRecord, configParams, pveDie, splitList } from "../config-text";
import { registerCollection, type Register } from "../generic-store";
import { paramError } from "../param-error";
import { SectionStore } from "../section-store";

/** What a simulated CA's directory says about itself (RFC 8555 `meta`). */
export interface AcmeDirectory {
  readonly name: string;
  readonly url: string;
  readonly meta: { termsOfService?: string; website?: string; caaIdentities?: string[]; externalAccountRequired?: boolean };
}

const LE_TOS = "https://letsencrypt.org/documents/LE-SA-v1.5-February-24-2025.pdf";

/** PVE's two named directories, plus a CA that requires External Account Binding (not in PVE's list). */
export const ACME_DIRECTORIES: readonly AcmeDirectory[] = [
  {
    name: "Let's Encrypt V2",
    url: "https://acme-v02.api.letsencrypt.org/directory",
    meta: { termsOfService: LE_TOS, website: "https://letsencrypt.org", caaIdentities: ["letsencrypt.org"] },
  },
  {
    name: "Let's Encrypt V2 Staging",
    url: "https://acme-staging-v02.api.letsencrypt.org/directory",
    meta: { termsOfService: LE_TOS, website: "https://letsencrypt.org/docs/staging-environment/", caaIdentities: ["letsencrypt.org"] },
  },
  {
    name: "ZeroSSL",
    url: "https://acme.zerossl.com/v2/DV90",
    meta: {
      termsOfService: "https://secure.trust-provider.com/repository/docs/Legacy/20221001_Certificate_Subscriber_Agreement_v_2_5_click.pdf",
      website: "https://zerossl.com",
      caaIdentities: ["sectigo.com", "trust-provider.com", "usertrust.com", "comodoca.com", "comodo.com"],
      externalAccountRequired: true,
    },
  },
];

const DEFAULT_DIRECTORY = ACME_DIRECTORIES[0]?.url ?? "";

/** The CA's URL prefix of a directory URL (`https://acme-v02.api.letsencrypt.org`). */
const caBase = (url: string): string => url.replace(/\/directory$|\/[^/]*$/, "");

/** The simulated CA behind a directory URL; an unknown one cannot be reached (no network here). */
export function directoryOf(url: string): AcmeDirectory {
  const found = ACME_DIRECTORIES.find((d) => d.url === url);
  if (!found) throw pveDie(`Error fetching '${url}' - 500 Can't connect to ${new URL(url).host}:443 (Name or service not known)`);
  return found;
}

/** One registered account (`/etc/pve/priv/acme/<name>`). */
export interface AcmeAccount {
  directory: string;
  location: string;
  tos?: string;
  account: { status: string; contact: string[]; createdAt: string; externalAccountBinding?: { kid: string } };
}

/** A small sample of proxmox-acme's `dns-challenge-schema.json` (the challenge-schema endpoint). */
const DNS_APIS: Readonly<Record<string, { name: string; fields: Record<string, string> }>> = {
  acmedns: {
    name: "acme-dns",
    fields: { ACMEDNS_BASE_URL: "API endpoint", ACMEDNS_USERNAME: "Username", ACMEDNS_PASSWORD: "Password", ACMEDNS_SUBDOMAIN: "Subdomain" },
  },
  cf: {
    name: "Cloudflare Managed DNS",
    fields: {
      CF_Token: "The CF API Token",
      CF_Account_ID: "The CF Account ID",
      CF_Zone_ID: "The CF Zone ID",
      CF_Key: "The CF API key (legacy)",
      CF_Email: "The CF e-mail (legacy)",
    },
  },
  hetzner: { name: "Hetzner", fields: { HETZNER_Token: "API Token" } },
  ovh: { name: "OVH", fields: { OVH_AK: "Application key", OVH_AS: "Application secret", OVH_CK: "Consumer key", OVH_END_POINT: "Endpoint" } },
  pdns: { name: "PowerDNS", fields: { PDNS_Url: "The PowerDNS API URL", PDNS_ServerId: "Server ID", PDNS_Token: "API Token", PDNS_Ttl: "TTL" } },
};

/** Options each plugin type accepts beyond `type`, and which of them are required (SectionConfig `options`). */
const PLUGIN_OPTIONS: Readonly<Record<string, Readonly<Record<string, { optional: boolean }>>>> = {
  dns: { api: { optional: false }, data: { optional: true }, nodes: { optional: true }, disable: { optional: true }, "validation-delay": { optional: true } },
  standalone: { nodes: { optional: true }, disable: { optional: true } },
};

/** SectionConfig `check_config`: options of another type are unexpected; on create, required ones must be there. */
function checkPluginConfig(type: string, record: ConfigRecord, create: boolean): void {
  const options = PLUGIN_OPTIONS[type] ?? {};
  for (const key of Object.keys(record)) {
    if (key !== "type" && !options[key]) throw pveDie(`unexpected property '${key}'`);
  }
  if (!create) return;
  for (const [key, option] of Object.entries(options)) {
    if (!option.optional && record[key] === undefined) throw pveDie(`missing value for required option '${key}'`);
  }
}

/** The ACME state other models read: accounts by name and plugins by id. */
export interface AcmeState {
  readonly accounts: Map<string, AcmeAccount>;
  readonly plugins: SectionStore;
}

/** Registers `/cluster/acme/*`; returns the state the node certificate model orders with. */
export function installAcme(register: Register, ctx: SimContext): AcmeState {
  const accounts = new Map<string, AcmeAccount>();
  const plugins = new SectionStore();
  // Challenge.pm's parse_config puts a `standalone` plugin back whenever the file lacks one.
  plugins.set("standalone", { type: "standalone" });

  register("GET", "/cluster/acme", () => ["account", "tos", "meta", "directories", "plugins", "challenge-schema"].map((name) => ({ name })));
  register("GET", "/cluster/acme/directories", () => ACME_DIRECTORIES.slice(0, 2).map(({ name, url }) => ({ name, url })));
  const directoryParam = (req: SimRequest): string => (typeof req.params.directory === "string" ? req.params.directory : DEFAULT_DIRECTORY);
  register("GET", "/cluster/acme/meta", (req) => directoryOf(directoryParam(req)).meta);
  register("GET", "/cluster/acme/tos", (req) => directoryOf(directoryParam(req)).meta.termsOfService ?? null);
  register("GET", "/cluster/acme/challenge-schema", () =>
    Object.entries(DNS_APIS).map(([id, api]) => ({
      id,
      name: api.name,
      type: "dns",
      schema: { name: api.name, fields: Object.fromEntries(Object.entries(api.fields).map(([key, description]) => [key, { description, type: "string" }])) },
    })),
  );

  installAccounts(register, ctx, accounts, directoryParam);

  registerCollection(register, ctx, {
    store: plugins,
    collection: "/cluster/acme/plugins",
    item: "/cluster/acme/plugins/{id}",
    idParam: "id",
    lockId: "file-priv_acme_plugins_cfg",
    // API2/ACMEPlugin.pm re-raises with `die "$@"`.
    stringified: true,
    deleteMissingOk: true,
    messages: {
      notFound: (id) => `ACME plugin '${id}' not defined`,
      updateNotFound: (id) => `ACME plugin ID '${id}' does not exist`,
      exists: (id) => `ACME plugin ID '${id}' already exists`,
    },
    hooks: {
      // PVE lists and reads each plugin with its id as `plugin` and the file digest; `data` included.
      list: (req) =>
        plugins
          .entries()
          .filter(([, r]) => req.params.type === undefined || r.type === req.params.type)
          .map(([id, r]) => ({ ...r, plugin: id, digest: plugins.digest() })),
      read(id) {
        const record = plugins.get(id);
        if (!record) throw pveDie(`ACME plugin '${id}' not defined`);
        return { ...record, plugin: id, digest: plugins.digest() };
      },
      create: (_id, record) => checkPluginConfig(String(record.type), record, true),
      // update_plugin: the delete list first (each key an optional option of the plugin's type),
      // then check_config of what is set, which then wins; no conflict check between the two.
      merge(_id, before, req) {
        const type = String(before.type);
        const options = PLUGIN_OPTIONS[type] ?? {};
        const record = { ...before };
        for (const key of splitList(req.params.delete)) {
          const option = options[key];
          if (!option) throw pveDie(`no such option '${key}'`);
          if (!option.optional) throw pveDie(`unable to delete required option '${key}'`);
          delete record[key];
        }
        const set = configParams(req.params, {}, ["id"]);
        checkPluginConfig(type, set, false);
        return { ...record, ...set };
      },
      remove(id) {
        if (id !== "standalone") return;
        plugins.set("standalone", { type: "standalone" });
        return "keep";
      },
    },
  });
  return { accounts, plugins };
}

/** `/cluster/acme/account`: register, read, update the contact, deactivate; every write is a worker task. */
function installAccounts(register: Register, ctx: SimContext, accounts: Map<string, AcmeAccount>, directoryParam: (req: SimRequest) => string): void {
  const nameOf = (req: SimRequest): string => (typeof req.params.name === "string" ? req.params.name : "default");
  const mailto = (req: SimRequest): string[] => splitList(req.params.contact).map((address) => `mailto:${address}`);
  const mustExist = (name: string): AcmeAccount => {
    const found = accounts.get(name);
    if (!found) throw paramError({ name: `ACME account config file '${name}' does not exist.` });
    return found;
  };
  // Tasks run on the node the request reached; the simulator's API is served by the first node.
  const node = ctx.nodes[0] ?? "pve1";
  const deactivated = new Map<string, number>();

  register("GET", "/cluster/acme/account", () => [...accounts.keys()].sort().map((name) => ({ name })));
  register("GET", "/cluster/acme/account/{name}", (req) => {
    const found = mustExist(nameOf(req));
    return { account: found.account, directory: found.directory, location: found.location, ...(found.tos ? { tos: found.tos } : {}) };
  });

  register("POST", "/cluster/acme/account", (req) => {
    const name = nameOf(req);
    if (accounts.has(name)) throw paramError({ name: `ACME account config file '${name}' already exists.` });
    const url = directoryParam(req);
    const contact = mailto(req);
    const tos = typeof req.params.tos_url === "string" && req.params.tos_url !== "" ? req.params.tos_url : undefined;
    const kid = req.params["eab-kid"];
    return ctx.startTask({
      node,
      type: "acmeregister",
      auth: req.auth,
      work: (log) =>
        ctx.withLock(`acme-${name}`, () => {
          if (accounts.has(name)) throw new Error(`ACME account config file '${name}' already exists.`);
          log("Generating ACME account key..");
          log("Registering ACME account..");
          const registration = (): string => {
            const directory = directoryOf(url);
            const newAccount = `${caBase(url)}/acme/new-acct`;
            // The CA's own refusals (RFC 8555 errors), as PVE's `fatal` reports them.
            if (directory.meta.termsOfService && !tos) return `POST to '${newAccount}' failed - Must agree to terms of service`;
            if (directory.meta.externalAccountRequired && typeof kid !== "string")
              return `POST to '${newAccount}' failed - External Account Binding is required`;
            return "";
          };
          let failure: string;
          try {
            failure = registration();
          } catch (error) {
            failure = error instanceof Error ? error.message.trim() : String(error);
          }
          if (failure) throw new Error(`Registration failed: ${failure}`);
          const location = `${caBase(url)}/acme/acct/${randomInt(100_000_000, 999_999_999)}`;
          accounts.set(name, {
            directory: url,
            location,
            ...(tos ? { tos } : {}),
            account: {
              status: "valid",
              contact,
              createdAt: new Date(ctx.now()).toISOString(),
              ...(typeof kid === "string" ? { externalAccountBinding: { kid } } : {}),
            },
          });
          log(`Registration successful, account URL: '${location}'`);
        }),
    });
  });

  const updateTask = (req: SimRequest, kind: string, change: (account: AcmeAccount) => void): string => {
    const name = nameOf(req);
    mustExist(name);
    return ctx.startTask({
      node,
      type: `acme${kind}`,
      auth: req.auth,
      work: (log) =>
        ctx.withLock(`acme-${name}`, () => {
          const found = accounts.get(name);
          if (!found) throw new Error(`ACME account config file '${name}' does not exist.`);
          change(found);
          if (found.account.status === "deactivated") {
            // The first free `_deactivated_<name>_<i>` (0..100) takes the file.
            const slot = deactivated.get(name) ?? 0;
            deactivated.set(name, slot + 1);
            log(`Renaming account file from '/etc/pve/priv/acme/${name}' to '/etc/pve/priv/acme/_deactivated_${name}_${slot}'`);
            accounts.delete(name);
          }
        }),
    });
  };
  register("PUT", "/cluster/acme/account/{name}", (req) => {
    const contact = mailto(req);
    // Without a new contact, PVE refreshes the account from the CA instead.
    if (contact.length === 0) return updateTask(req, "refresh", () => undefined);
    return updateTask(req, "update", (account) => {
      account.account.contact = contact;
    });
  });
  register("DELETE", "/cluster/acme/account/{name}", (req) =>
    updateTask(req, "deactivate", (account) => {
      account.account.status = "deactivated";
    }),
  );
}
