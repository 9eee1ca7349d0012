import { defineKind, restCalls } from "../../define";
import type { KindHooks } from "../../hooks";
import { DROPPED_PRIVILEGES, unknownPrivileges } from "../../facts/privileges";
import { containsUnknown } from "../../props";

/** The major version of the connected PVE, from `GET /version` (`9.2.11` or `7.4-3`). */
async function majorVersion(api: Parameters<NonNullable<KindHooks["checkRemote"]>>[0]): Promise<number | undefined> {
  const raw = await api.request<{ version?: string; release?: string }>("GET", "/version");
  const m = /^(\d+)\./.exec(raw?.version ?? raw?.release ?? "");
  return m ? Number(m[1]) : undefined;
}

function why(priv: string, major: number): string {
  const dropped = DROPPED_PRIVILEGES[priv];
  if (dropped && major >= dropped.inMajor) return `'${priv}' was removed in PVE ${dropped.inMajor}; use ${dropped.replacedBy}`;
  return `'${priv}' is not a privilege of PVE ${major}`;
}

/**
 * PVE returns a role as `{ "VM.Audit": 1, ... }`; the kind's field is the list of privileges.
 * In preview, privileges are checked against the connected PVE's major version.
 */
const rolePrivilegesHooks: KindHooks = {
  decodeRead(raw) {
    const privs = Object.entries(raw)
      .filter(([name, granted]) => /^[A-Z][A-Za-z]*\./.test(name) && (granted === 1 || granted === "1" || granted === true))
      .map(([name]) => name)
      .sort();
    return { privs };
  },
  async checkRemote(api, news) {
    const privs = news["privileges"];
    if (!Array.isArray(privs) || containsUnknown(privs)) return [];
    const major = await majorVersion(api);
    if (major === undefined) return [];
    const unknown = unknownPrivileges(major, privs.map(String));
    if (!unknown || unknown.length === 0) return [];
    return [{ property: "privileges", reason: unknown.map((p) => why(p, major)).join("; ") }];
  },
};

/** `access.Role`: a named set of privileges (`/access/roles`). */
export const role = defineKind({
  namespace: "access",
  name: "Role",
  description:
    "A Proxmox VE role (`/access/roles`): a named set of privileges. PVE rejects unknown privileges when " +
    "the role is written; built-in roles cannot be managed.",
  lifecycle: "collection",
  identity: ["roleid"],
  ...restCalls("/access/roles", "/access/roles/{roleid}"),
  hooks: rolePrivilegesHooks,
  fields: {
    roleid: { sdkName: "roleId", doc: "The role id. Built-in roles (`PVEAdmin`, ...) cannot be managed." },
    privs: { sdkName: "privileges", doc: "The privileges of the role, e.g. `VM.Audit`, `Sys.Audit`." },
  },
});
