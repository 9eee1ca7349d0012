/**
 * `/access/domains` as pve-access-control `src/PVE/API2/Domains.pm` serves it (`index`, `create`,
 * `update`, `read`, `delete`, `sync` with `$parse_sync_opts`, `$update_users`, `$update_groups`,
 * `$map_sync_default_options`), with the realm plugins' `options` (`src/PVE/Auth/PAM.pm`, `PVE.pm`,
 * `LDAP.pm`, `AD.pm`, `OpenId.pm`), pve-common `PVE::SectionConfig::check_config`/`check_value`
 * (options per type, required options, numbers stored as numbers, empty values not written) and
 * `PVE::Auth::Plugin::parse_config` (the built-in pam and pve realms always come back).
 *
 * No directory server is reachable from the simulator: `check-connection` binds are taken as
 * successful, and a sync reads an empty directory (so `remove-vanished` applies to every synced
 * user or group of the realm). Secrets: only the LDAP/AD bind `password` is kept apart
 * (`PVE::Auth::LDAP`'s on_add_hook writes `/etc/pve/priv/realm/<realm>.pw`) and never returned; the
 * OpenID `client-key` and a `tfa` Yubico API `key` stay in domains.cfg and `GET .../{realm}`
 * returns them (`PVE::Auth::OpenId` declares `client-key` a plain option); the index shows of
 * `tfa` only its type.
 */
import { SimError } from "../../types";
import { splitList } from "../../../../schema/pve-formats";
import type { AccessInstaller } from "./common";
import { die, lockConfig, lockUserConfig, paramError, perlTrue } from "./common";
import type { AccessStore, RealmConfig } from "./store";
import { BUILTIN_REALMS } from "./store";

const LOCK = "file-domains_cfg";

const COMMON = ["default", "comment", "tfa"];
const DIRECTORY = [
  "server2",
  "bind_dn",
  "password",
  "port",
  "secure",
  "sslversion",
  "verify",
  "capath",
  "cert",
  "certkey",
  "filter",
  "sync_attributes",
  "user_classes",
  "group_dn",
  "group_name_attr",
  "group_filter",
  "group_classes",
  "sync-defaults-options",
  "mode",
  "case-sensitive",
];

/** Each type's `options()`: the keys it takes, and the ones it requires. */
const TYPES: Readonly<Record<string, { readonly options: readonly string[]; readonly required: readonly string[] }>> = {
  pam: { options: COMMON, required: [] },
  pve: { options: COMMON, required: [] },
  ldap: { options: [...COMMON, "server1", "base_dn", "user_attr", ...DIRECTORY], required: ["server1", "base_dn", "user_attr"] },
  ad: { options: [...COMMON, "server1", "domain", "base_dn", "user_attr", ...DIRECTORY], required: ["server1", "domain"] },
  openid: {
    options: [
      "issuer-url",
      "client-id",
      "client-key",
      "autocreate",
      "username-claim",
      "groups-claim",
      "groups-autocreate",
      "groups-overwrite",
      "prompt",
      "scopes",
      "acr-values",
      "audiences",
      "default",
      "comment",
      "query-userinfo",
    ],
    required: ["issuer-url", "client-id"],
  },
};

/** Parameters the handlers take out before the config check. */
const NOT_CONFIG = new Set(["realm", "digest", "delete", "check-connection", "password"]);
/** `realm-sync-options`: the keys, and the defaults `$parse_sync_opts` falls back to. */
const SYNC_DEFAULTS: Readonly<Record<string, string | undefined>> = {
  "enable-new": "1",
  full: undefined,
  purge: undefined,
  "remove-vanished": "none",
  scope: undefined,
};

function parseKv(text: string): Record<string, string> {
  return Object.fromEntries(splitComma(text).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
}

function splitComma(text: string): string[] {
  return text.split(",").filter((kv) => kv.includes("="));
}

/** `$map_remove_vanished`: the deprecated `full`/`purge` become `remove-vanished` (and, when asked, are dropped). */
function mapRemoveVanished(opts: Record<string, string | undefined>, dropDeprecated: boolean): void {
  if (opts["remove-vanished"] === undefined && (perlTrue(opts["full"]) || perlTrue(opts["purge"]))) {
    opts["remove-vanished"] = [...(perlTrue(opts["full"]) ? ["entry", "properties"] : []), ...(perlTrue(opts["purge"]) ? ["acl"] : [])].join(";");
  }
  if (dropDeprecated) {
    delete opts["full"];
    delete opts["purge"];
  }
}

/** `$map_sync_default_options`, printed back like `print_property_string` (keys sorted). */
function normalizeSyncDefaults(text: string): string {
  const opts: Record<string, string | undefined> = parseKv(text);
  mapRemoveVanished(opts, true);
  return Object.keys(opts)
    .sort()
    .flatMap((k) => (opts[k] === undefined ? [] : [`${k}=${opts[k]}`]))
    .join(",");
}

/** `check_config`: every key must be an option of the type; on create every required option must be there. */
function checkConfig(type: string, params: Readonly<Record<string, unknown>>, create: boolean): RealmConfig {
  const spec = TYPES[type];
  if (!spec) throw die(`unknown section type '${type}'`);
  const out: RealmConfig = {};
  for (const [key, value] of Object.entries(params)) {
    if (NOT_CONFIG.has(key) || (key === "type" && value === type)) continue;
    if (!spec.options.includes(key)) throw die(`unexpected property '${key}'`);
    out[key] = typeof value === "number" ? value : String(value);
  }
  if (create) for (const key of spec.required) if (params[key] === undefined) throw die(`missing value for required option '${key}'`);
  if (typeof out["sync-defaults-options"] === "string" && (type === "ldap" || type === "ad"))
    out["sync-defaults-options"] = normalizeSyncDefaults(out["sync-defaults-options"]);
  return out;
}

/** A realm as `parse_config` gives it back: empty values are not written, built-ins get their defaults. */
function settled(realm: string, cfg: RealmConfig): RealmConfig {
  const out: RealmConfig = {};
  for (const [k, v] of Object.entries(cfg)) if (String(v) !== "") out[k] = v;
  const builtin = BUILTIN_REALMS[realm];
  if (builtin) {
    out["type"] = builtin["type"] as string;
    if (builtin["plugin"] !== undefined) out["plugin"] = builtin["plugin"];
    if (!perlTrue(out["comment"])) out["comment"] = builtin["comment"] as string;
  }
  return out;
}

/** The realm's `tfa` type (`type=oath,...` → `oath`). */
function tfaType(tfa: string | number | undefined): string | undefined {
  if (tfa === undefined) return undefined;
  return /(?:^|,)(?:type=)?(yubico|oath)(?:,|$)/.exec(String(tfa))?.[1];
}

/** `on_add_hook` / `on_update_hook`: only LDAP and AD keep a bind password. */
function keepsPassword(type: string): boolean {
  return type === "ldap" || type === "ad";
}

/** Registers the realm endpoints. */
export const installDomains: AccessInstaller = (register, ctx, { store }) => {
  const put = (realm: string, cfg: RealmConfig): void => {
    if (perlTrue(cfg["default"])) for (const [id, other] of store.realms) if (id !== realm) delete other["default"];
    store.realms.set(realm, settled(realm, cfg));
  };

  register("GET", "/access/domains", () =>
    [...store.realms].map(([realm, cfg]) => {
      const tfa = tfaType(cfg["tfa"]);
      return {
        realm,
        type: cfg["type"],
        ...(perlTrue(cfg["comment"]) ? { comment: cfg["comment"] } : {}),
        ...(perlTrue(cfg["default"]) ? { default: 1 } : {}),
        ...(tfa !== undefined ? { tfa } : {}),
      };
    }),
  );

  register("POST", "/access/domains", (req) =>
    lockConfig(ctx, LOCK, "add auth server failed", () => {
      const realm = String(req.params["realm"]);
      const type = String(req.params["type"]);
      if (store.realms.has(realm)) throw die(`domain '${realm}' already exists`);
      if (realm === "pam" || realm === "pve") throw die(`unable to use reserved name '${realm}'`);
      if (type === "pam" || type === "pve") throw die(`unable to create builtin type '${type}'`);
      if (req.params["check-connection"] !== undefined && type !== "ldap" && type !== "ad") {
        throw die("'check-connection' parameter can only be set for realms of type 'ldap' or 'ad'");
      }
      const cfg = { type, ...checkConfig(type, req.params, true) };
      // A password for a type without one is ignored ("ignoring password parameter").
      store.realmSecrets.delete(`${realm}/password`);
      if (req.params["password"] !== undefined && keepsPassword(type)) store.realmSecrets.set(`${realm}/password`, String(req.params["password"]));
      put(realm, cfg);
      return null;
    }),
  );

  register("GET", "/access/domains/{realm}", (req) => {
    const realm = String(req.params["realm"]);
    const cfg = store.realms.get(realm);
    if (!cfg) throw die(`domain '${realm}' does not exist`);
    return { ...cfg, digest: store.domainsDigest() };
  });

  register("PUT", "/access/domains/{realm}", (req) =>
    lockConfig(ctx, LOCK, "update auth server failed", () => {
      const digest = req.params["digest"];
      if (digest !== undefined && digest !== store.domainsDigest())
        throw new SimError(500, "detected modified configuration - file changed by other user? Try again.\n");
      const realm = String(req.params["realm"]);
      const current = store.realms.get(realm);
      if (!current) throw die(`domain '${realm}' does not exist`);
      const type = String(current["type"]);
      if (req.params["check-connection"] !== undefined && type !== "ldap" && type !== "ad") {
        throw die("'check-connection' parameter can only be set for realms of type 'ldap' or 'ad'");
      }
      const deletes = splitList(String(req.params["delete"] ?? ""));
      const changes = Object.keys(req.params).filter((k) => !NOT_CONFIG.has(k));
      if (!deletes.length && !changes.length && req.params["password"] === undefined) throw die("no options specified");
      const next: RealmConfig = { ...current };
      for (const key of deletes) {
        delete next[key];
        store.realmSecrets.delete(`${realm}/${key}`);
      }
      // `check_config` always sets `type`, so even `delete=type` leaves it.
      Object.assign(next, checkConfig(type, req.params, false), { type });
      if (req.params["password"] !== undefined && keepsPassword(type)) store.realmSecrets.set(`${realm}/password`, String(req.params["password"]));
      put(realm, next);
      return null;
    }),
  );

  register("POST", "/access/domains/{realm}/sync", (req) => {
    const realm = String(req.params["realm"]);
    const cfg = store.realms.get(realm);
    if (!cfg) throw paramError({ realm: "Realm does not exist." });
    const type = String(cfg["type"]);
    if (type !== "ldap" && type !== "ad") throw die(`Cannot sync realm type '${type}'! Only LDAP/AD realms can be synced.`);
    const defaults = parseKv(String(cfg["sync-defaults-options"] ?? ""));
    const opts: Record<string, string | undefined> = {};
    for (const [key, fallback] of Object.entries(SYNC_DEFAULTS)) {
      const given = req.params[key];
      opts[key] = given !== undefined ? String(given) : (defaults[key] ?? fallback);
    }
    mapRemoveVanished(opts, true);
    if (opts["scope"] === undefined) throw paramError({ scope: "Not passed as parameter and not defined in realm default sync options." });
    const scope = opts["scope"];
    const what = scope === "both" ? "users and groups" : scope;
    const dryRun = Boolean(req.params["dry-run"]);
    return ctx.startTask({
      node: ctx.nodes[0] ?? "pve1",
      type: dryRun ? "auth-realm-sync-test" : "auth-realm-sync",
      id: realm,
      auth: req.auth,
      work: async (log) => {
        log(`${dryRun ? "(dry test run) " : ""}starting sync for realm ${realm}`);
        await lockUserConfig(ctx, `syncing ${what} failed`, () => {
          log(`got data from server, updating ${what}`);
          const remove = new Set((opts["remove-vanished"] ?? "").split(";"));
          const apply = !dryRun;
          if (scope === "users" || scope === "both") syncVanished(store, log, "users", realm, opts["remove-vanished"], remove, apply);
          if (scope === "groups" || scope === "both") syncVanished(store, log, "groups", realm, opts["remove-vanished"], remove, apply);
          if (dryRun) {
            log("");
            log("NOTE: Dry test run, changes were NOT written to the configuration.");
            return;
          }
          log(`successfully updated ${what} configuration`);
        });
      },
    });
  });

  register("DELETE", "/access/domains/{realm}", (req) =>
    lockConfig(ctx, LOCK, "delete auth server failed", () => {
      const realm = String(req.params["realm"]);
      if (!store.realms.has(realm)) throw die(`authentication domain '${realm}' does not exist`);
      store.realms.delete(realm);
      for (const key of [...store.realmSecrets.keys()]) if (key.startsWith(`${realm}/`)) store.realmSecrets.delete(key);
      // `parse_config` adds the built-in realms back: deleting one resets it.
      const builtin = BUILTIN_REALMS[realm];
      if (builtin) store.realms.set(realm, { ...builtin });
      return null;
    }),
  );
};

/**
 * `$update_users` / `$update_groups` against an empty directory: every user (`...@realm`) or
 * group (`...-realm`) of the realm has vanished. `entry` removes it (a removed user stays listed in
 * its groups: user.cfg's group lines keep their members), `acl` removes its ACL entries.
 */
function syncVanished(
  store: AccessStore,
  log: (line: string) => void,
  what: "users" | "groups",
  realm: string,
  vanished: string | undefined,
  remove: ReadonlySet<string>,
  apply: boolean,
): void {
  log(vanished !== undefined ? `syncing ${what} (remove-vanished opts: ${vanished})` : `syncing ${what}`);
  if (remove.has("entry")) log(`deleting outdated existing ${what} first`);
  const ids =
    what === "users" ? [...store.users.keys()].filter((id) => id.endsWith(`@${realm}`)) : [...store.groups.keys()].filter((id) => id.endsWith(`-${realm}`));
  for (const id of ids.sort()) {
    if (remove.has("entry")) {
      log(`remove ${what === "users" ? "user" : "group"} '${id}'`);
      if (apply && what === "users") store.users.delete(id);
      if (apply && what === "groups") {
        for (const user of store.groups.get(id)?.users ?? []) store.users.get(user)?.groups.delete(id);
        store.groups.delete(id);
      }
    }
    if (remove.has("acl")) {
      log(`purge ${what} '${id}' ACL entries`);
      if (apply) for (const node of store.acl.values()) (what === "users" ? node.users : node.groups).delete(id);
    }
  }
  if (apply) store.settleAcl();
}
