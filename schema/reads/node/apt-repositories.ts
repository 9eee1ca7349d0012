/** The read function of `/nodes/{node}/apt/repositories` (the family of `node.AptRepository`). */
import { defineRead } from "../define";

/** `node.getAptRepositories`: a node's APT repositories, parsed, with PVE's notes and the standard ones. */
export const getAptRepositories = defineRead({
  namespace: "node",
  name: "getAptRepositories",
  description:
    "Reads a node's APT repositories (`GET /nodes/{node}/apt/repositories`): the parsed files with their " +
    "entries (types, URIs, suites, components, options, enabled), parse errors, PVE's notes (`infos`), the " +
    "standard repositories with their status (absent: not configured) and the digest of all files.",
  path: "/nodes/{node}/apt/repositories",
  args: [{ pveName: "node", sdkName: "node", doc: "The node." }],
});
