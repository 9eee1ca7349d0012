import type { KindHooks } from ".";

/** PVE's user update cannot carry a password: it is changed through `/access/password`. */
export const userPasswordHooks: KindHooks = {
  async afterUpdate(api, identity, changed, news) {
    const password = news["password"];
    if (![...changed].some((field) => field.pveName === "password") || typeof password !== "string") return;
    await api.request("PUT", "/access/password", { userid: identity["userid"] ?? "", password });
  },
};
