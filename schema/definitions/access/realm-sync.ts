import { defineKind } from "../../define";
import type { KindHooks } from "../../hooks";
import { isSet } from "../../props";

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
const realmSyncHooks: KindHooks = {
  async checkRemote(api, news) {
    const realm = news["realm"];
    if (typeof realm !== "string") return [];
    let cfg: RealmConfig;
    try {
      cfg = await api.request<RealmConfig>("GET", `/access/domains/${encodeURIComponent(realm)}`);
    } catch (error) {
      if (api.errorKind(error) === "not-found") return [];
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

/** `access.RealmSync`: synchronize users and groups of an LDAP or AD realm. */
export const realmSync = defineKind({
  namespace: "access",
  name: "RealmSync",
  description:
    "Synchronizes the users and groups of an LDAP or AD realm (`POST /access/domains/{realm}/sync`) and waits for " +
    "the sync task. An action: it runs when created, and again when an input or one of its `triggers` changes; " +
    "deleting it undoes nothing. Unset options use the realm's `syncDefaults`; PVE needs a `scope` from one or the other.",
  lifecycle: "action",
  identity: ["realm"],
  create: { method: "POST", path: "/access/domains/{realm}/sync" },
  hooks: realmSyncHooks,
  fields: {
    realm: { doc: "The LDAP or AD realm to sync (PVE refuses other types)." },
    scope: { doc: "What to sync: `users`, `groups` or `both`." },
    "remove-vanished": { doc: "What to remove when it vanished from the directory: `acl;properties;entry` (any of them, `;`-separated) or `none`." },
    "enable-new": { doc: "Enable newly synced users immediately." },
    "dry-run": { doc: "Only report what would change (the task log shows it)." },
    full: {
      doc: "Deprecated, use `removeVanished`: make the directory the source of truth, removing vanished users and groups and local changes of synced users.",
    },
    purge: { doc: "Deprecated, use `removeVanished`: remove the ACLs of users and groups removed by the sync." },
  },
});
