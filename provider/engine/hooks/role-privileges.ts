import type { KindHooks } from ".";

/** PVE returns a role as `{ "VM.Audit": 1, ... }`; the kind's field is the list of privileges. */
export const rolePrivilegesHooks: KindHooks = {
  decodeRead(raw) {
    const privs = Object.entries(raw)
      .filter(([name, granted]) => /^[A-Z][A-Za-z]*\./.test(name) && (granted === 1 || granted === "1" || granted === true))
      .map(([name]) => name)
      .sort();
    return { privs };
  },
};
