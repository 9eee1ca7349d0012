import { defineKind } from "../../define";

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
  hooks: "realm-sync",
  fields: {
    realm: { doc: "The LDAP or AD realm to sync (PVE refuses other types)." },
    scope: { doc: "What to sync: `users`, `groups` or `both`." },
    "remove-vanished": { doc: "What to remove when it vanished from the directory: `acl;properties;entry` (any of them, `;`-separated) or `none`." },
    "enable-new": { doc: "Enable newly synced users immediately." },
    "dry-run": { doc: "Only report what would change (the task log shows it)." },
    full: { doc: "Deprecated, use `removeVanished`: make the directory the source of truth, removing vanished users and groups and local changes of synced users." },
    purge: { doc: "Deprecated, use `removeVanished`: remove the ACLs of users and groups removed by the sync." },
  },
});
