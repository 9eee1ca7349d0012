import type { KindHooks } from ".";
import { errorKind } from "../api";
import { isSet } from "../values";

/** A realm as `GET /access/domains/{realm}` returns it (the keys this hook reads). */
interface RealmConfig {
  type?: string;
  "sync-defaults-options"?: string;
}

/**
 * A realm sync needs an LDAP or AD realm and a scope: PVE refuses a sync without `scope` unless
 * the realm's sync defaults name one. Checked in preview against the realm as it is on PVE; a realm
 * that does not exist yet (made in the same deployment) is left to the apply.
 */
export const realmSyncHooks: KindHooks = {
  async checkRemote(api, news) {
    const realm = news["realm"];
    if (typeof realm !== "string") return [];
    let cfg: RealmConfig;
    try {
      cfg = await api.request<RealmConfig>("GET", `/access/domains/${encodeURIComponent(realm)}`);
    } catch (error) {
      if (errorKind(error) === "not-found") return [];
      throw error;
    }
    if (cfg.type !== undefined && cfg.type !== "ldap" && cfg.type !== "ad") {
      return [{ property: "realm", reason: `PVE syncs only LDAP and AD realms; '${realm}' is of type '${cfg.type}'` }];
    }
    const defaults = String(cfg["sync-defaults-options"] ?? "");
    if (!isSet(news["scope"]) && !/(?:^|,)scope=/.test(defaults)) {
      return [{ property: "scope", reason: `is required: realm '${realm}' has no default scope (its syncDefaults.scope)` }];
    }
    return [];
  },
};
