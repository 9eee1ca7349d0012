/**
 * `/access/domains` (`PVE::API2::Domains`): realms of type pam, pve, ldap, ad, openid. The
 * config is stored as given, as domains.cfg holds it, and `GET /access/domains/{realm}` returns
 * all of it: also the OpenID `client-key` and the `tfa` property string with a Yubico API `key`
 * (PVE::Auth::OpenId declares `client-key` a plain option). Only the LDAP/AD bind `password` is
 * kept apart (PVE::Auth::LDAP's on_add_hook writes `/etc/pve/priv/realm/<realm>.pw`) and never
 * returned. The index shows of `tfa` only its type (Domains.pm `index`: `parse_tfa_config`).
 */
import { SimError } from "../types";
import { splitList } from "../core/formats";
import type { AccessInstaller } from "./common";
import { die, lockConfig, paramError } from "./common";

/** Parameters that are not realm config. */
const NOT_CONFIG = new Set(["realm", "digest", "delete", "check-connection", "password"]);
const LOCK = "file-domains_cfg";

/** The `type` of a `pve-tfa-config` property string (`type=yubico,id=...,key=...`). */
function tfaType(tfa: string): string | undefined {
  return tfa.split(",").find((part) => part.startsWith("type="))?.slice("type=".length);
}

/** Registers the realm endpoints. */
export const installDomains: AccessInstaller = (register, ctx, { store }) => {
  const applyConfig = (realm: string, params: Readonly<Record<string, unknown>>): void => {
    const cfg = store.realms.get(realm) ?? {};
    if (params["default"]) for (const other of store.realms.values()) delete other["default"];
    for (const [k, v] of Object.entries(params)) {
      if (!NOT_CONFIG.has(k)) cfg[k] = typeof v === "number" ? v : String(v);
    }
    if (params["password"] !== undefined) store.realmSecrets.set(`${realm}/password`, String(params["password"]));
    store.realms.set(realm, cfg);
  };

  register("GET", "/access/domains", () =>
    [...store.realms].map(([realm, cfg]) => ({
      realm,
      type: cfg["type"],
      ...(cfg["comment"] !== undefined ? { comment: cfg["comment"] } : {}),
      ...(cfg["tfa"] !== undefined && tfaType(String(cfg["tfa"])) ? { tfa: tfaType(String(cfg["tfa"])) } : {}),
      ...(cfg["default"] ? { default: 1 } : {}),
    })),
  );

  register("POST", "/access/domains", (req) =>
    lockConfig(ctx, LOCK, "create auth server failed", () => {
      const realm = String(req.params["realm"]);
      const type = String(req.params["type"]);
      if (store.realms.has(realm)) throw die(`domain '${realm}' already exists`);
      if (realm === "pam" || realm === "pve") throw die(`unable to use reserved name '${realm}'`);
      if (type === "pam" || type === "pve") throw die(`unable to create builtin type '${type}'`);
      if (req.params["check-connection"] !== undefined && type !== "ldap" && type !== "ad") {
        throw die("'check-connection' parameter can only be set for realms of type 'ldap' or 'ad'");
      }
      applyConfig(realm, req.params);
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
      if (digest !== undefined && digest !== store.domainsDigest()) throw new SimError(500, "detected modified configuration - file changed by other user? Try again.\n");
      const realm = String(req.params["realm"]);
      const cfg = store.realms.get(realm);
      if (!cfg) throw die(`domain '${realm}' does not exist`);
      const changes = Object.keys(req.params).filter((k) => k !== "realm" && k !== "digest");
      if (!changes.length) throw die("no options specified");
      for (const key of splitList(String(req.params["delete"] ?? ""))) {
        delete cfg[key];
        store.realmSecrets.delete(`${realm}/${key}`);
      }
      applyConfig(realm, req.params);
      return null;
    }),
  );

  // Realm sync runs as a worker task; no directory server is reachable, so it syncs nothing.
  register("POST", "/access/domains/{realm}/sync", (req) => {
    const realm = String(req.params["realm"]);
    const cfg = store.realms.get(realm);
    if (!cfg) throw paramError({ realm: "Realm does not exist." });
    const type = String(cfg["type"]);
    if (type !== "ldap" && type !== "ad") throw die(`Cannot sync realm type '${type}'! Only LDAP/AD realms can be synced.`);
    const dryRun = Boolean(req.params["dry-run"]);
    return ctx.startTask({
      node: ctx.nodes[0] ?? "pve1",
      type: dryRun ? "auth-realm-sync-test" : "auth-realm-sync",
      id: realm,
      auth: req.auth,
      work: (log) => {
        log(`(dry test run) starting sync for realm ${realm}`.replace(dryRun ? "" : "(dry test run) ", ""));
        log("got data from server, updating users and groups");
        log("updated user.cfg");
      },
    });
  });

  register("DELETE", "/access/domains/{realm}", (req) =>
    lockConfig(ctx, LOCK, "delete auth server failed", () => {
      const realm = String(req.params["realm"]);
      if (!store.realms.has(realm)) throw die(`authentication domain '${realm}' does not exist`);
      store.realms.delete(realm);
      return null;
    }),
  );
};
