/** `cluster.AcmePlugin`: a DNS challenge plugin of the cluster's ACME (`/cluster/acme/plugins`). */
import { defineKind, restCalls } from "../../define";

/** `cluster.AcmePlugin`. */
export const acmePlugin = defineKind({
  namespace: "cluster",
  name: "AcmePlugin",
  description:
    "An ACME challenge plugin (`/cluster/acme/plugins`): `dns` plugins answer DNS-01 challenges through a DNS " +
    "provider's API (`api`, e.g. `cf`, `ovh`, `pdns`; `cluster.getAcmeChallengeSchema` lists them with their " +
    "fields); the built-in `standalone` plugin (HTTP-01 on port 80) always exists, so declaring it adopts it. " +
    '`data` holds the provider\'s settings as a map (`{ CF_Token: "...", CF_Account_ID: "..." }`), sent to PVE as ' +
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
      doc: '`dns`: the provider\'s settings, e.g. `{ CF_Token: "..." }` (the keys of `cluster.getAcmeChallengeSchema`). A secret.',
    },
    "validation-delay": { doc: "`dns`: seconds to wait before asking the CA to validate (for DNS TTLs). PVE's default is 30." },
    nodes: { doc: "The nodes the plugin is used on (all when unset)." },
    disable: { doc: "Disable the plugin." },
  },
});
