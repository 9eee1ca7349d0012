/** Read functions of `/access/domains`: the realm list and one realm (the family of `access.Realm`). */
import { defineRead } from "../define";

/** `access.getRealms`: every authentication realm. */
export const getRealms = defineRead({
  namespace: "access",
  name: "getRealms",
  description: "Lists the authentication realms (`GET /access/domains`).",
  path: "/access/domains",
  args: [],
});

/** `access.getRealm`: one realm's configuration, its OpenID client key and TFA settings as secret outputs. */
export const getRealm = defineRead({
  namespace: "access",
  name: "getRealm",
  description:
    "Reads one realm's configuration (`GET /access/domains/{realm}`). PVE never returns the bind password; it does return " +
    "the OpenID `clientKey` and the `tfa` settings (with a Yubico API key): they are secret outputs.",
  path: "/access/domains/{realm}",
  args: [{ pveName: "realm", sdkName: "realm", doc: "The realm id." }],
  objectOf: "access:Realm",
});
