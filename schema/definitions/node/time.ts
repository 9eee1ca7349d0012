import { configCalls, defineKind } from "../../define";
import { KEEP } from "./common";

/** `node.Time`. */
export const time = defineKind({
  namespace: "node",
  name: "Time",
  description: `A node's time zone (\`/nodes/{node}/time\`). ${KEEP}`,
  lifecycle: "singleton",
  identity: ["node"],
  ...configCalls("/nodes/{node}/time"),
  fields: {
    node: { doc: "The node." },
    timezone: { doc: "The time zone, e.g. `Europe/Vienna` (see /usr/share/zoneinfo/zone.tab)." },
  },
});
