import type { KindHooks } from ".";
import { DROPPED_PRIVILEGES, unknownPrivileges } from "../../../schema/facts/privileges";
import { containsUnknown } from "../values";

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
export const rolePrivilegesHooks: KindHooks = {
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
