import { defineKind, restCalls } from "../../define";

const DIRECTORY = [
  "server1",
  "server2",
  "port",
  "mode",
  "secure",
  "sslversion",
  "verify",
  "capath",
  "cert",
  "certkey",
  "base_dn",
  "bind_dn",
  "password",
  "filter",
  "user_attr",
  "user_classes",
  "group_dn",
  "group_filter",
  "group_classes",
  "group_name_attr",
  "sync_attributes",
  "sync-defaults-options",
  "case-sensitive",
  "check-connection",
];
const OPENID = [
  "issuer-url",
  "client-id",
  "client-key",
  "autocreate",
  "username-claim",
  "scopes",
  "prompt",
  "acr-values",
  "audiences",
  "groups-claim",
  "groups-autocreate",
  "groups-overwrite",
  "query-userinfo",
];

/** `access.Realm`: an authentication realm (`/access/domains`). */
export const realm = defineKind({
  namespace: "access",
  name: "Realm",
  description:
    "An authentication realm (`/access/domains`): `ldap`, `ad` (Active Directory) or `openid`; the built-in " +
    "`pam` and `pve` realms always exist, so declaring them adopts them (their settings are updated, and deleting " +
    "the resource resets what it managed instead of removing the realm). Options of another realm type are " +
    "rejected in preview. PVE never returns the LDAP bind `password`: it is kept in state as a secret, and a change " +
    "is sent again. The OpenID `clientKey` and the `tfa` settings (a Yubico API key) are secrets PVE returns on read: " +
    "they are read back, and stored, as secrets.",
  lifecycle: "collection",
  identity: ["realm"],
  ...restCalls("/access/domains", "/access/domains/{realm}"),
  builtinIds: ["pam", "pve"],
  variants: {
    field: "type",
    accepts: { pam: ["tfa"], pve: ["tfa"], ldap: [...DIRECTORY, "tfa"], ad: [...DIRECTORY, "domain", "tfa"], openid: OPENID },
    requires: { ldap: ["server1", "base_dn", "user_attr"], ad: ["server1", "domain"], openid: ["issuer-url", "client-id"] },
  },
  fields: {
    realm: { doc: "The realm id, used as the `@realm` suffix of user ids. Changing it replaces the realm." },
    type: { doc: "The realm type: `ldap`, `ad`, `openid`, or the built-in `pam` / `pve` (adopted, never created)." },
    comment: { doc: "A free-form comment, shown on the login screen." },
    default: { doc: "Make this the default realm on the login screen." },
    password: { secret: true, writeOnly: true, doc: "LDAP/AD bind password (with `bindDn`). A secret; PVE never returns it." },
    // PVE::Auth::OpenId keeps `client-key` in domains.cfg, and Domains.pm's read returns the whole section.
    "client-key": { secret: true, doc: "OpenID client secret. A secret: PVE returns it on read, so it is read back as one." },
    "check-connection": { writeOnly: true, doc: "LDAP/AD: test the bind when the realm is written (PVE does not store it)." },
    tfa: {
      secret: true,
      doc: "Realm-wide second factor: `{ type: \"oath\" }` (TOTP) or `{ type: \"yubico\", id, key, url }`. A secret as a whole: the Yubico API `key` is one, and PVE returns it on read.",
    },
    "sync-defaults-options": { sdkName: "syncDefaults", doc: "LDAP/AD: defaults of `access.RealmSync` runs (scope, enableNew, removeVanished)." },
  },
});
