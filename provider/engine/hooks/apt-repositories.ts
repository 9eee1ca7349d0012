import type { KindHooks } from ".";
import { containsUnknown } from "../values";

/** PVE names a repository's flags with capitals (`Enabled`); the kind's input is `enabled`. */
export const aptRepositoryHooks: KindHooks = {
  decodeRead: (raw) => ({ ...raw, enabled: raw["Enabled"] }),
};

/**
 * The standard repositories a node offers depend on its product and Debian release (PVE 9:
 * trixie and Ceph Squid), so a handle is checked in preview against the node's own list.
 */
export const aptStandardRepositoryHooks: KindHooks = {
  async checkRemote(api, news) {
    const { node, handle } = news;
    if (typeof node !== "string" || typeof handle !== "string" || containsUnknown(node) || containsUnknown(handle)) return [];
    const listing = await api.request<{ "standard-repos"?: { handle?: string }[] }>("GET", `/nodes/${encodeURIComponent(node)}/apt/repositories`);
    const offered = (listing?.["standard-repos"] ?? []).map((repo) => String(repo.handle));
    if (offered.includes(handle)) return [];
    return [{ property: "handle", reason: `node '${node}' offers no standard repository '${handle}'; it offers ${offered.map((h) => `'${h}'`).join(", ")}` }];
  },
};
