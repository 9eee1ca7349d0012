import { defineKind } from "../../define";
import { KEEP } from "./common";

/** `node.Hosts`. */
export const hosts = defineKind({
  namespace: "node",
  name: "Hosts",
  description:
    "A node's whole /etc/hosts (`/nodes/{node}/hosts`). Every write carries the digest of the file as just " +
    `read, so PVE refuses it if the file changed in between instead of losing that change. ${KEEP}`,
  lifecycle: "singleton",
  identity: ["node"],
  create: { method: "POST", path: "/nodes/{node}/hosts" },
  read: { path: "/nodes/{node}/hosts", address: { digest: "digest" } },
  update: { method: "POST", path: "/nodes/{node}/hosts" },
  fields: {
    node: { doc: "The node." },
    data: { doc: "The full content of /etc/hosts." },
  },
  outputs: { digest: { pveName: "digest", type: "string", doc: "SHA-1 of the file as last read." } },
});
