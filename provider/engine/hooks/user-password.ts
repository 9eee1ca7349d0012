import type { KindHooks } from ".";
import { errorKind } from "../api";

/**
 * PVE's user update cannot carry a password: it is changed through `/access/password`, which PVE
 * refuses to API tokens (`allowtoken: 0`). That call goes first, so a refusal changes nothing.
 */
export const userPasswordHooks: KindHooks = {
  async beforeUpdate(api, identity, changed, news) {
    const password = news["password"];
    if (![...changed].some((field) => field.pveName === "password") || typeof password !== "string") return;
    const userid = identity["userid"] ?? "";
    try {
      await api.request("PUT", "/access/password", { userid, password });
    } catch (error) {
      if (errorKind(error) !== "permission") throw error;
      throw new Error(
        `changing the password of '${userid}' needs ticket authentication (proxmox:username and proxmox:password): ` +
          `PVE does not allow /access/password with an API token`,
        { cause: error },
      );
    }
  },
};
