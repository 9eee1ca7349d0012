/** `node.AptUpdate`: `apt-get update` on a node, as an action. */
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
