/**
 * `cluster.AcmeAccount`: PVE returns the CA's account object (contacts as `mailto:` URLs, status)
 * and the accepted ToS as `tos`; in preview, the directory's metadata says whether Terms of
 * Service must be accepted and whether External Account Binding is required.
 */
import type { KindHooks } from ".";
import { requireApiMethod } from "../../../schema/pve-schema";
import { containsUnknown, isSet } from "../values";

interface DirectoryMeta {
  termsOfService?: string;
  externalAccountRequired?: boolean | number;
}

export const acmeAccountHooks: KindHooks = {
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
