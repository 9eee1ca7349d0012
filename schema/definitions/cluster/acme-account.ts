/** `cluster.AcmeAccount`: an account of the cluster at an ACME CA (`/cluster/acme/account`). */
import { defineKind, restCalls } from "../../define";
import type { KindHooks } from "../../hooks";
import { requireApiMethod } from "../../pve-schema";
import { containsUnknown, isSet } from "../../props";

/**
 * `cluster.AcmeAccount`: PVE returns the CA's account object (contacts as `mailto:` URLs, status)
 * and the accepted ToS as `tos`; in preview, the directory's metadata says whether Terms of
 * Service must be accepted and whether External Account Binding is required.
 */

interface DirectoryMeta {
  termsOfService?: string;
  externalAccountRequired?: boolean | number;
}

const acmeAccountHooks: KindHooks = {
  decodeRead(raw) {
    const account = (raw["account"] ?? {}) as { contact?: unknown; status?: unknown };
    const contact = Array.isArray(account.contact) ? account.contact.map((c) => String(c).replace(/^mailto:/, "")) : undefined;
    return { ...raw, contact, tos_url: raw["tos"], status: account.status };
  },
  async checkRemote(api, news) {
    if (containsUnknown(news["directory"])) return [];
    const fallback = requireApiMethod("POST", "/cluster/acme/account").parameters["directory"]?.default;
    const directory = String(news["directory"] ?? fallback);
    let meta: DirectoryMeta;
    try {
      meta = (await api.request<DirectoryMeta | null>("GET", "/cluster/acme/meta", { directory })) ?? {};
    } catch {
      // PVE fetches the meta from the CA: when it cannot reach it now, the registration task reports it.
      return [];
    }
    const failures = [];
    if (meta.termsOfService && !isSet(news["tosUrl"])) {
      failures.push({ property: "tosUrl", reason: `the CA has Terms of Service (${meta.termsOfService}): set tosUrl to that URL to accept them` });
    }
    if (meta.externalAccountRequired && !isSet(news["eabKid"])) {
      failures.push({ property: "eabKid", reason: "the CA requires External Account Binding: set eabKid and eabHmacKey" });
    }
    return failures;
  },
};

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
  hooks: acmeAccountHooks,
  fields: {
    name: {
      sdkName: "accountName",
      required: true,
      doc: "The account's name (PVE's default is `default`, the account nodes use unless their `acme` option names another).",
    },
    contact: { doc: "Contact e-mail addresses (PVE registers them as `mailto:` URLs)." },
    directory: { doc: "The CA's ACME directory URL; PVE's default is Let's Encrypt V2 (`cluster.getAcmeDirectories` lists the known ones)." },
    tos_url: {
      sdkName: "tosUrl",
      doc: "The CA's Terms of Service URL (`GET /cluster/acme/meta`): setting it accepts them. Required by CAs that have Terms of Service.",
    },
    "eab-kid": { sdkName: "eabKid", writeOnly: true, doc: "External Account Binding key id, for CAs that require one (with `eabHmacKey`)." },
    "eab-hmac-key": {
      sdkName: "eabHmacKey",
      secret: true,
      writeOnly: true,
      doc: "External Account Binding HMAC key (with `eabKid`). A secret; PVE never returns it.",
    },
  },
  outputs: {
    location: { pveName: "location", type: "string", doc: "The account's URL at the CA." },
    status: { pveName: "status", type: "string", doc: "The account's status at the CA (`valid`)." },
  },
});
