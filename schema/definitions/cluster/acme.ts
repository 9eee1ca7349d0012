/** ACME: the cluster's CA accounts and DNS challenge plugins (`/cluster/acme`). */
import { defineKind, restCalls } from "../../define";

/** `cluster.AcmeAccount`. */
export const acmeAccount = defineKind({
  namespace: "cluster",
  name: "AcmeAccount",
  description:
    "An account at an ACME CA (`/cluster/acme/account`), used by nodes to order certificates. Creating it " +
    "registers the account in an `acmeregister` task; a contact change is an `acmeupdate` task; deleting it " +
    "deactivates the account at the CA (`acmedeactivate`). The name, directory, `tosUrl` and External Account " +
    "Binding cannot change in place: a change registers a new account. In preview, the directory's metadata is " +
    "checked: a CA with Terms of Service needs `tosUrl` (setting it is the agreement), one that requires External " +
    "Account Binding needs `eabKid` and `eabHmacKey`. The EAB HMAC key is a secret PVE never returns. PVE lets only " +
    "`root@pam` manage ACME accounts, with its password: API tokens, even root's, are refused.",
  lifecycle: "collection",
  identity: ["name"],
  ...restCalls("/cluster/acme/account", "/cluster/acme/account/{name}"),
  hooks: "acme-account",
  fields: {
    name: { sdkName: "accountName", required: true, doc: "The account's name (PVE's default is `default`, the account nodes use unless their `acme` option names another)." },
    contact: { doc: "Contact e-mail addresses (PVE registers them as `mailto:` URLs)." },
    directory: { doc: "The CA's ACME directory URL; PVE's default is Let's Encrypt V2 (`cluster.getAcmeDirectories` lists the known ones)." },
    tos_url: { sdkName: "tosUrl", doc: "The CA's Terms of Service URL (`GET /cluster/acme/meta`): setting it accepts them. Required by CAs that have Terms of Service." },
    "eab-kid": { sdkName: "eabKid", writeOnly: true, doc: "External Account Binding key id, for CAs that require one (with `eabHmacKey`)." },
    "eab-hmac-key": { sdkName: "eabHmacKey", secret: true, writeOnly: true, doc: "External Account Binding HMAC key (with `eabKid`). A secret; PVE never returns it." },
  },
  outputs: {
    location: { pveName: "location", type: "string", doc: "The account's URL at the CA." },
    status: { pveName: "status", type: "string", doc: "The account's status at the CA (`valid`)." },
  },
});

/** `cluster.AcmePlugin`. */
export const acmePlugin = defineKind({
  namespace: "cluster",
  name: "AcmePlugin",
  description:
    "An ACME challenge plugin (`/cluster/acme/plugins`): `dns` plugins answer DNS-01 challenges through a DNS " +
    "provider's API (`api`, e.g. `cf`, `ovh`, `pdns`; `cluster.getAcmeChallengeSchema` lists them with their " +
    "fields); the built-in `standalone` plugin (HTTP-01 on port 80) always exists, so declaring it adopts it. " +
    "`data` holds the provider's settings as a map (`{ CF_Token: \"...\", CF_Account_ID: \"...\" }`), sent to PVE as " +
    "the base64 of `KEY=value` lines it stores. PVE returns it on read, so it is a secret kept encrypted in the " +
    "state, and a change made by hand shows as drift. Options of the other plugin type are rejected in preview.",
  lifecycle: "collection",
  identity: ["id"],
  ...restCalls("/cluster/acme/plugins", "/cluster/acme/plugins/{id}"),
  builtinIds: ["standalone"],
  variants: { field: "type", accepts: { dns: ["api", "data", "validation-delay"], standalone: [] }, requires: { dns: ["api"] } },
  fields: {
    id: { sdkName: "pluginId", doc: "The plugin's id, named by a node's `acmedomainN` `plugin`. Changing it replaces the plugin." },
    type: { doc: "`dns` (DNS-01 through a provider API) or `standalone` (HTTP-01). Changing it replaces the plugin." },
    api: { doc: "`dns`: the DNS provider's API plugin (acme.sh's `dns_<api>`), e.g. `cf`, `ovh`, `pdns`, `hetzner`." },
    data: {
      secret: true,
      encoding: "base64-key-value",
      doc: "`dns`: the provider's settings, e.g. `{ CF_Token: \"...\" }` (the keys of `cluster.getAcmeChallengeSchema`). A secret.",
    },
    "validation-delay": { doc: "`dns`: seconds to wait before asking the CA to validate (for DNS TTLs). PVE's default is 30." },
    nodes: { doc: "The nodes the plugin is used on (all when unset)." },
    disable: { doc: "Disable the plugin." },
  },
});
