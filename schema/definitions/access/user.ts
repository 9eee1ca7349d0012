import { defineKind, restCalls } from "../../define";
import type { KindHooks } from "../../hooks";

/**
 * PVE's user update cannot carry a password: it is changed through `/access/password`, which PVE
 * refuses to API tokens (`allowtoken: 0`). That call goes first, so a refusal changes nothing.
 */
const userPasswordHooks: KindHooks = {
  async beforeUpdate(api, identity, changed, news) {
    const password = news["password"];
    if (![...changed].some((field) => field.pveName === "password") || typeof password !== "string") return;
    const userid = identity["userid"] ?? "";
    try {
      await api.request("PUT", "/access/password", { userid, password });
    } catch (error) {
      if (api.errorKind(error) !== "permission") throw error;
      throw new Error(
        `changing the password of '${userid}' needs ticket authentication (proxmox:username and proxmox:password): ` +
          `PVE does not allow /access/password with an API token`,
        { cause: error },
      );
    }
  },
};

/** `access.User`: a user of a PVE realm (`/access/users`). */
export const user = defineKind({
  namespace: "access",
  name: "User",
  description:
    "A Proxmox VE user (`/access/users`). The password can only be set for the `pve` realm; PVE never returns it, " +
    "so the desired value is kept in state as a secret and changed through `/access/password`.",
  lifecycle: "collection",
  identity: ["userid"],
  ...restCalls("/access/users", "/access/users/{userid}"),
  hooks: userPasswordHooks,
  fields: {
    userid: { sdkName: "userId", doc: "The user id `name@realm`, e.g. `alice@pve`. Changing it replaces the user." },
    password: {
      secret: true,
      writeOnly: true,
      replaceOnChange: false,
      doc: "The initial password (realm `pve` only). A secret; PVE never returns it.",
    },
    groups: { doc: "Groups the user belongs to." },
    comment: { doc: "A free-form comment." },
    email: { doc: "The user's e-mail address." },
    enable: { doc: "Whether the user may log in. PVE's default is enabled." },
    expire: { unset: 0, doc: "Account expiry as seconds since the epoch; 0 means never." },
    firstname: { sdkName: "firstName", doc: "First name." },
    lastname: { sdkName: "lastName", doc: "Last name." },
    // PVE::AccessControl: "allowed yubico key ids or oath secrets (base32 encoded)"; GET returns them.
    keys: { secret: true, doc: "Keys of the legacy realm second factor: Yubico key ids, or OATH secrets (base32). A secret; PVE returns it on read." },
  },
});
