/**
 * `/nodes/{node}/network`: edits are staged (interfaces.new) and only become the running
 * config when `PUT /nodes/{node}/network` applies them in a `srvreload`/`networking` task;
 * `DELETE /nodes/{node}/network` reverts the staged file.
 */
import { SimResult, type SimContext, type SimRequest } from "../types";
import { applyUpdate, configParams, type ConfigRecord } from "./config-text";
import type { Register } from "./generic-store";
import { paramError } from "./param-error";
import { perNode } from "./per-node";
import { parametersOf } from "./schema";
import { SectionStore } from "./section-store";

/** One node's running and staged interfaces. */
interface NodeNetwork {
  running: Map<string, ConfigRecord>;
  readonly staged: SectionStore;
}

/** A fresh node: loopback, the NIC and the default bridge on it. */
function seeded(): NodeNetwork {
  const staged = new SectionStore((r) => `iface ${String(r.type)}`);
  staged.set("lo", { type: "loopback", autostart: 1, method: "loopback" });
  staged.set("eno1", { type: "eth", method: "manual" });
  staged.set("vmbr0", {
    type: "bridge", autostart: 1, method: "static", bridge_ports: "eno1", bridge_stp: "off", bridge_fd: 0,
    cidr: "192.168.1.10/24", address: "192.168.1.10", netmask: "24", gateway: "192.168.1.1",
  });
  return { running: staged.snapshot(), staged };
}

/**
 * PVE's `changes` extra: `diff -u` of /etc/network/interfaces and interfaces.new, only while something
 * is staged. Lines are compared as sets (enough to show what changed, not a full diff algorithm).
 */
function changes(net: NodeNetwork): string | undefined {
  const running = new SectionStore((r) => `iface ${String(r.type)}`);
  running.restore(net.running);
  const before = running.text().split("\n");
  const after = net.staged.text().split("\n");
  if (before.join("\n") === after.join("\n")) return undefined;
  const removed = before.filter((line) => !after.includes(line)).map((line) => `-${line}`);
  const added = after.filter((line) => !before.includes(line)).map((line) => `+${line}`);
  return ["--- /etc/network/interfaces", "+++ /etc/network/interfaces.new", ...removed, ...added, ""].join("\n");
}

const view = (net: NodeNetwork, iface: string, record: ConfigRecord): Record<string, unknown> => ({
  ...record,
  iface,
  families: ["inet"],
  active: net.running.has(iface) ? 1 : 0,
});

/** Registers the staged node-network endpoints. */
export function installNodeNetwork(register: Register, ctx: SimContext): void {
  const networkOf = perNode(() => seeded());
  const missing = () => paramError({ iface: "interface does not exist" });
  const ifaceParams = (req: SimRequest, method: "POST" | "PUT", template: string): ConfigRecord =>
    configParams(req.params, parametersOf(method, template), ["iface", "node"]);
  const lockOf = (req: SimRequest): string => `network-${String(req.params.node)}`;

  register("GET", "/nodes/{node}/network", (req) => {
    const net = networkOf(req.params.node);
    const type = req.params.type;
    const list = net.staged
      .entries()
      .filter(([, r]) => type === undefined || r.type === type || (type === "any_bridge" && (r.type === "bridge" || r.type === "OVSBridge")))
      .map(([iface, r]) => view(net, iface, r));
    const diff = changes(net);
    return diff === undefined ? list : new SimResult(list, { changes: diff });
  });
  register("POST", "/nodes/{node}/network", (req) =>
    ctx.withLock(lockOf(req), () => {
      const net = networkOf(req.params.node);
      const iface = String(req.params.iface);
      if (net.staged.has(iface)) throw paramError({ iface: "interface already exists" });
      const record = ifaceParams(req, "POST", "/nodes/{node}/network");
      record.method ??= record.cidr === undefined && record.address === undefined ? "manual" : "static";
      net.staged.set(iface, record);
      return null;
    }),
  );
  register("GET", "/nodes/{node}/network/{iface}", (req) => {
    const net = networkOf(req.params.node);
    const record = net.staged.get(String(req.params.iface));
    if (!record) throw missing();
    return { ...view(net, String(req.params.iface), record), method6: "manual" };
  });
  const updateSchema = parametersOf("PUT", "/nodes/{node}/network/{iface}");
  register("PUT", "/nodes/{node}/network/{iface}", (req) =>
    ctx.withLock(lockOf(req), () => {
      const net = networkOf(req.params.node);
      const record = net.staged.get(String(req.params.iface));
      if (!record) throw missing();
      applyUpdate(record, ifaceParams(req, "PUT", "/nodes/{node}/network/{iface}"), req.params.delete, updateSchema);
      net.staged.set(String(req.params.iface), record);
      return null;
    }),
  );
  register("DELETE", "/nodes/{node}/network/{iface}", (req) =>
    ctx.withLock(lockOf(req), () => {
      const net = networkOf(req.params.node);
      if (!net.staged.has(String(req.params.iface))) throw missing();
      net.staged.delete(String(req.params.iface));
      return null;
    }),
  );
  register("PUT", "/nodes/{node}/network", (req) => {
    const net = networkOf(req.params.node);
    return ctx.startTask({
      node: String(req.params.node),
      type: "srvreload",
      id: "networking",
      auth: req.auth,
      work: (log) => {
        log("reloading network config");
        net.running = net.staged.snapshot();
      },
    });
  });
  register("DELETE", "/nodes/{node}/network", (req) =>
    ctx.withLock(lockOf(req), () => {
      const net = networkOf(req.params.node);
      net.staged.restore(net.running);
      return null;
    }),
  );
}
