/** `node.AptRepository`: whether one configured APT repository of a node is enabled. */
import { defineKind } from "../../define";
import type { KindHooks } from "../../hooks";
import { REPOSITORIES } from "./common";

/** PVE names a repository's flags with capitals (`Enabled`); the kind's input is `enabled`. */
const aptRepositoryHooks: KindHooks = {
  decodeRead: (raw) => ({ ...raw, enabled: raw["Enabled"] }),
};

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
  // The "create" switches an entry of a sources file, which exists by definition.
  createTakesExisting: true,
  read: {
    path: REPOSITORIES,
    within: { keys: ["files", "repositories"], position: "index" },
    select: (item, id) => item["path"] === id["path"] && String(item["index"]) === id["index"],
    // Every write carries the digest of the files as just read: PVE refuses it if they changed in between.
    address: { digest: "digest" },
  },
  update: { method: "POST", path: REPOSITORIES },
  remove: { method: "POST", path: REPOSITORIES, extra: { enabled: 0 } },
  hooks: aptRepositoryHooks,
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
