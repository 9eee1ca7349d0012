/** A node's package management: `apt-get update` as an action. */
import { defineKind } from "../../define";

/** `node.AptUpdate`. */
export const aptUpdate = defineKind({
  namespace: "node",
  name: "AptUpdate",
  description:
    "Refreshes a node's package index (`POST /nodes/{node}/apt/update`, `apt-get update`) and waits for the " +
    "`aptupdate` task; PVE then lists the upgradable packages (`GET /nodes/{node}/apt/update`). An action: it " +
    "runs when created, and again when an input or one of its `triggers` changes; deleting it undoes nothing. " +
    "PVE's API has no upgrade operation (upgrades run `apt-get dist-upgrade` in a shell on the node), so no " +
    "kind of this SDK upgrades packages.",
  lifecycle: "action",
  identity: ["node"],
  create: { method: "POST", path: "/nodes/{node}/apt/update" },
  unsupported: Object.fromEntries(
    ["upgrade", "distUpgrade"].map((name) => [
      name,
      "PVE's API has no apt upgrade operation (the GUI runs `apt-get dist-upgrade` in a node shell): " +
        "node.AptUpdate only refreshes the package index; upgrade the node outside Pulumi",
    ]),
  ),
  fields: {
    node: { doc: "The node." },
    notify: { doc: "Send a notification about new packages (through the node's notification targets)." },
    quiet: { doc: "Log only errors (for cron-like runs)." },
  },
});

const REPOSITORIES = "/nodes/{node}/apt/repositories";

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
  read: {
    path: REPOSITORIES,
    within: { keys: ["standard-repos"] },
    // PVE reports `status` only for a configured repository: true when one of its entries is enabled.
    select: (item, id) => item["handle"] === id["handle"] && (item["status"] === true || item["status"] === 1),
  },
  forgetOnDelete: true,
  hooks: "apt-standard-repository",
  fields: {
    node: { doc: "The node." },
    handle: { doc: "The standard repository's handle, e.g. `no-subscription` or `ceph-squid-no-subscription`." },
  },
  outputs: {
    name: { pveName: "name", type: "string", doc: "PVE's name for the repository, e.g. `No-Subscription`." },
    description: { pveName: "description", type: "string", doc: "PVE's description of the repository." },
  },
});

/** `node.AptRepository`. */
export const aptRepository = defineKind({
  namespace: "node",
  name: "AptRepository",
  description:
    "Whether one configured APT repository of a node is enabled: the entry at `index` (from 0) of the file " +
    "`path` (e.g. `/etc/apt/sources.list.d/pve-enterprise.sources`), as `GET /nodes/{node}/apt/repositories` " +
    "lists them; PVE's `POST /nodes/{node}/apt/repositories` changes it. The entry must exist (add standard " +
    "ones with `node.AptStandardRepository`); its types, URIs, suites and components are outputs. PVE has no " +
    "call that removes a repository: deleting the resource disables the entry. Writes carry the digest of the " +
    "files as just read, so PVE refuses one if the files changed in between. Import id `<node>:<path>:<index>`.",
  lifecycle: "collection",
  identity: ["node", "path", "index"],
  idSeparator: ":",
  create: { method: "POST", path: REPOSITORIES },
  read: {
    path: REPOSITORIES,
    within: { keys: ["files", "repositories"], position: "index" },
    select: (item, id) => item["path"] === id["path"] && String(item["index"]) === id["index"],
    // Every write carries the digest of the files as just read: PVE refuses it if they changed in between.
    address: { digest: "digest" },
  },
  update: { method: "POST", path: REPOSITORIES },
  remove: { method: "POST", path: REPOSITORIES, extra: { enabled: 0 } },
  hooks: "apt-repository",
  fields: {
    node: { doc: "The node." },
    path: { doc: "The repository file, e.g. `/etc/apt/sources.list.d/ceph.sources`." },
    index: { doc: "The entry's position in the file, from 0." },
    enabled: { doc: "Whether the entry is enabled.", required: true },
  },
  outputs: {
    types: { pveName: "Types", type: "list", doc: "The package types, `deb` and/or `deb-src`." },
    uris: { pveName: "URIs", type: "list", doc: "The repository URIs." },
    suites: { pveName: "Suites", type: "list", doc: "The suites, e.g. `trixie`." },
    components: { pveName: "Components", type: "list", doc: "The components, e.g. `pve-no-subscription`." },
    comment: { pveName: "Comment", type: "string", doc: "The entry's comment." },
    fileType: { pveName: "FileType", type: "string", doc: "The file's format: `sources` (deb822) or `list`." },
  },
});
