/** `node.AptStandardRepository`: a standard repository PVE offers, configured and enabled on a node. */
import { defineKind } from "../../define";
import type { KindHooks } from "../../hooks";
import { REPOSITORIES } from "./common";
import { containsUnknown } from "../../props";

/**
 * The standard repositories a node offers depend on its product and Debian release (PVE 9:
 * trixie and Ceph Squid), so a handle is checked in preview against the node's own list.
 */
const aptStandardRepositoryHooks: KindHooks = {
  async checkRemote(api, news) {
    const { node, handle } = news;
    if (typeof node !== "string" || typeof handle !== "string" || containsUnknown(node) || containsUnknown(handle)) return [];
    const listing = await api.request<{ "standard-repos"?: { handle?: string }[] }>("GET", `/nodes/${encodeURIComponent(node)}/apt/repositories`);
    const offered = (listing?.["standard-repos"] ?? []).map((repo) => String(repo.handle));
    if (offered.includes(handle)) return [];
    return [{ property: "handle", reason: `node '${node}' offers no standard repository '${handle}'; it offers ${offered.map((h) => `'${h}'`).join(", ")}` }];
  },
};

/** `node.AptStandardRepository`. */
export const aptStandardRepository = defineKind({
  namespace: "node",
  name: "AptStandardRepository",
  description:
    "One of the standard repositories PVE offers, by `handle` (`enterprise`, `no-subscription`, `test`, " +
    "`ceph-squid-no-subscription`, ...; `GET /nodes/{node}/apt/repositories` lists them as `standard-repos`), " +
    "configured and enabled on a node (`PUT /nodes/{node}/apt/repositories`). PVE adds it to its standard " +
    "file (e.g. `/etc/apt/sources.list.d/proxmox.sources`), or enables it when it is configured but disabled. " +
    "A handle the node does not offer is refused in preview. When the repository is disabled by hand, refresh " +
    "finds it gone and the next update enables it again. PVE has no call that removes a repository: deleting " +
    "the resource leaves it configured; to disable it, manage the entry with `node.AptRepository` " +
    "(`enabled: false`).",
  lifecycle: "collection",
  identity: ["node", "handle"],
  create: { method: "PUT", path: REPOSITORIES },
  // Adding a standard repository that is configured already enables it.
  createTakesExisting: true,
  read: {
    path: REPOSITORIES,
    within: { keys: ["standard-repos"] },
    // PVE reports `status` only for a configured repository: true when one of its entries is enabled.
    select: (item, id) => item["handle"] === id["handle"] && (item["status"] === true || item["status"] === 1),
  },
  forgetOnDelete: true,
  hooks: aptStandardRepositoryHooks,
  fields: {
    node: { doc: "The node." },
    handle: { doc: "The standard repository's handle, e.g. `no-subscription` or `ceph-squid-no-subscription`." },
  },
  outputs: {
    name: { pveName: "name", type: "string", doc: "PVE's name for the repository, e.g. `No-Subscription`." },
    description: { pveName: "description", type: "string", doc: "PVE's description of the repository." },
  },
});
