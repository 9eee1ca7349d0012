/**
 * `/nodes/{node}/network` as pve-manager `PVE/API2/Network.pm` serves it (`index`,
 * `create_network`, `update_network`, `network_config`, `delete_network`, `reload_network_config`,
 * `revert_network_changes`, with `$check_duplicate_*`, `$check_ipv6_settings` and
 * `$map_cidr_to_address_netmask`), over pve-common `PVE/INotify.pm` (edits are written to
 * interfaces.new and read from it while it exists; `changes` is `diff -u` of the two files) and
 * `PVE/Network/Interfaces.pm` (see `interfaces-file.ts`). Writes hold the node's
 * `/etc/network/.pve-interfaces.lock`. Applying runs `ifreload -a` in a `srvreload`/`networking`
 * task: afterwards the interfaces started at boot (and the ports and slaves under them) are up.
 */
import { hasAny } from "../../core/may";
import type { SimContext, SimRequest } from "../../types";
import { SimResult } from "../../types";
import { pveDie, splitList } from "../config-text";
import type { Register } from "../generic-store";
import { type Iface, type NetConfig, ipv6HostType, readInterfaces, writeInterfaces } from "./interfaces-file";
import { paramError } from "../param-error";
import { perNode } from "../per-node";
import { hashOrder } from "../storage/plugins";

/** What a fresh PVE installation writes (before any API write regenerates it with PVE's header). */
const INSTALLED = `auto lo
iface lo inet loopback

iface eno1 inet manual

auto vmbr0
iface vmbr0 inet static
	address 192.168.1.10/24
	gateway 192.168.1.1
	bridge-ports eno1
	bridge-stp off
	bridge-fd 0

source /etc/network/interfaces.d/*
`;

/** Each simulated node's NICs: the one the installer bridged, and a spare. */
const PHYSICAL = ["eno1", "eno2"];

/** One node's files: the running /etc/network/interfaces, interfaces.new while edits are staged, what is up. */
interface NodeNetwork {
  current: string;
  staged?: string;
  active: Set<string>;
}

/** The interfaces `ifreload -a` brings up: every `auto` one, and the ports and slaves beneath them. */
function upAfterReload(config: NetConfig): Set<string> {
  const up = new Set<string>();
  const raise = (name: string): void => {
    if (up.has(name) || !config.ifaces[name]) return;
    up.add(name);
    const d = config.ifaces[name] as Iface;
    for (const key of ["bridge_ports", "slaves"]) for (const p of splitList(d[key])) raise(p);
    const parent = d["vlan-raw-device"] ?? /^(\S+)\.\d+$/.exec(name)?.[1];
    if (parent) raise(String(parent));
  };
  for (const [name, d] of Object.entries(config.ifaces)) if (d.autostart) raise(name);
  return up;
}

/** A unified diff (`diff -b -N -u`) of two files' lines, or undefined when they are the same. */
function unifiedDiff(before: string, after: string): string | undefined {
  const a = before.split("\n");
  const b = after.split("\n");
  const same = (x: string, y: string): boolean => x.replace(/\s+/g, " ").trimEnd() === y.replace(/\s+/g, " ").trimEnd();
  if (a.length === b.length && a.every((line, i) => same(line, b[i] ?? ""))) return undefined;
  // Longest common subsequence of lines, then the edit script.
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = same(a[i] ?? "", b[j] ?? "") ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, lcs[i]?.[j + 1] ?? 0);
    }
  }
  const out = ["--- /etc/network/interfaces", "+++ /etc/network/interfaces.new", `@@ -1,${a.length} +1,${b.length} @@`];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && same(a[i] ?? "", b[j] ?? "")) {
      out.push(` ${a[i++] ?? ""}`);
      j++;
    } else if (j < b.length && (i >= a.length || (lcs[i]?.[j + 1] ?? 0) >= (lcs[i + 1]?.[j] ?? 0))) out.push(`+${b[j++] ?? ""}`);
    else out.push(`-${a[i++] ?? ""}`);
  }
  return `${out.join("\n")}\n`;
}

/** Registers the staged node-network endpoints. */
export function installNodeNetwork(register: Register, ctx: SimContext): void {
  const networkOf = perNode((): NodeNetwork => {
    const net: NodeNetwork = { current: INSTALLED, active: new Set() };
    net.active = upAfterReload(readInterfaces(INSTALLED, { physical: PHYSICAL, active: new Set() }));
    return net;
  });
  /** `read_file('interfaces')`: interfaces.new while it exists. */
  const read = (net: NodeNetwork): NetConfig => readInterfaces(net.staged ?? net.current, { physical: PHYSICAL, active: net.active });
  const missing = () => paramError({ iface: "interface does not exist" });
  const locked = <T>(req: SimRequest, fn: () => T): Promise<T> => ctx.withLock(`${String(req.params.node)}:/etc/network/.pve-interfaces.lock`, fn);
  const canSeeBridge = (req: SimRequest, bridge: string): boolean => {
    if (req.auth.userid === "root@pam" && !req.auth.tokenid) return true;
    return hasAny(ctx, req.auth, `/sdn/zones/localnetwork/${bridge}`, ["SDN.Audit", "SDN.Use"]);
  };

  register("GET", "/nodes/{node}/network", (req) => {
    const net = networkOf(req.params.node);
    const { ifaces } = read(net);
    delete ifaces["lo"];
    const filter = typeof req.params.type === "string" ? req.params.type : undefined;
    // SDN's vnets and fabrics (include_sdn, vnet, fabric) are not simulated here: those filters add nothing.
    if (filter && filter !== "include_sdn") {
      for (const name of Object.keys(ifaces)) {
        const type = ifaces[name]?.type;
        const isBridge = type === "bridge" || type === "OVSBridge";
        if (!(filter === type || (isBridge && /^any(_local)?_bridge$/.test(filter)))) delete ifaces[name];
      }
    }
    for (const name of Object.keys(ifaces)) {
      const type = ifaces[name]?.type;
      if ((type === "bridge" || type === "OVSBridge") && !canSeeBridge(req, name)) delete ifaces[name];
    }
    // hash_to_array: a Perl hash's order.
    const list = hashOrder(Object.keys(ifaces)).map((name) => ({ ...ifaces[name], iface: name }));
    const changes = net.staged === undefined ? undefined : unifiedDiff(net.current, net.staged);
    return changes === undefined ? list : new SimResult(list, { changes });
  });

  register("GET", "/nodes/{node}/network/{iface}", (req) => {
    const { ifaces } = read(networkOf(req.params.node));
    const found = ifaces[String(req.params.iface)];
    if (!found) throw missing();
    return found;
  });

  /** The request's interface options (`node`, `iface`, `delete` extracted). */
  const paramsOf = (req: SimRequest): Record<string, unknown> => {
    const { node: _n, iface: _i, delete: _d, ...rest } = req.params;
    return { ...rest };
  };
  const checkDuplicate = (ifaces: Record<string, Iface>, name: string, key: string, label: string): void => {
    for (const other of Object.keys(ifaces)) {
      if (other !== name && ifaces[other]?.[key]) throw paramError({ [key]: `${label} already exists on interface '${other}'.` });
    }
  };
  const checkDuplicatePorts = (ifaces: Record<string, Iface>, name: string, param: Readonly<Record<string, unknown>>): void => {
    let paramName: string | undefined;
    const portsOf = (d: Readonly<Record<string, unknown>>, naming: boolean): string[] => {
      let ports = "";
      for (const k of ["bridge_ports", "ovs_ports", "slaves", "ovs_bonds"]) {
        if (d[k]) {
          ports += ` ${String(d[k])}`;
          if (naming) paramName ??= k;
        }
      }
      return splitList(ports);
    };
    const wanted = new Set(portsOf(param, true));
    if (wanted.size === 0) return;
    for (const [other, d] of Object.entries(ifaces)) {
      if (other === name) continue;
      for (const p of portsOf(d, false))
        if (wanted.has(p)) throw paramError({ [paramName ?? "bridge_ports"]: `${p} is already used on interface '${other}'.` });
    }
  };
  const mapCidr = (param: Record<string, unknown>): void => {
    for (const [cidrKey, addrKey, maskKey] of [
      ["cidr", "address", "netmask"],
      ["cidr6", "address6", "netmask6"],
    ] as const) {
      if (!param[cidrKey]) continue;
      if (param[addrKey]) throw paramError({ [addrKey]: `${addrKey} conflicts with ${cidrKey}` });
      if (param[maskKey]) throw paramError({ [maskKey]: `${maskKey} conflicts with ${cidrKey}` });
      const [address, mask] = String(param[cidrKey]).split("/");
      param[addrKey] = address;
      param[maskKey] = mask;
      delete param[cidrKey];
    }
  };
  const checkIpv6 = (address: unknown, netmask: number): void => {
    if (netmask < 0 || netmask > 128) throw paramError({ netmask: `${netmask} is not a valid subnet length for ipv6` });
    const type = ipv6HostType(String(address));
    if (type === undefined) throw paramError({ address: `${String(address)} is not a valid host IPv6 address.` });
    if (type !== "UNICAST") throw paramError({ address: `${String(address)} with type '${type}', cannot be used as host IPv6 address.` });
  };
  const families = (param: Record<string, unknown>, start: string[]): void => {
    const list = start.filter((f) => (f === "inet" ? param.address : f === "inet6" ? param.address6 : true));
    if (param.address && !list.includes("inet")) list.push("inet");
    if (param.address6 && !list.includes("inet6")) list.push("inet6");
    param.families = list.length > 0 ? list : ["inet"];
    param.method = param.address ? "static" : "manual";
    param.method6 = param.address6 ? "static" : "manual";
  };
  const save = (net: NodeNetwork, config: NetConfig): void => {
    net.staged = writeInterfaces(config);
  };

  register("POST", "/nodes/{node}/network", (req) =>
    locked(req, () => {
      const net = networkOf(req.params.node);
      const iface = String(req.params.iface);
      const param = paramsOf(req);
      const config = read(net);
      const { ifaces } = config;
      if (ifaces[iface]) throw paramError({ iface: "interface already exists" });
      if (param.gateway) checkDuplicate(ifaces, iface, "gateway", "Default gateway");
      if (param.gateway6) checkDuplicate(ifaces, iface, "gateway6", "Default ipv6 gateway");
      checkDuplicatePorts(ifaces, iface, param);
      mapCidr(param);
      if (param.address6) checkIpv6(param.address6, Math.trunc(Number(param.netmask6 ?? 0)));
      families(param, []);
      // A fresh node has no Open vSwitch.
      if (/^OVS/.test(String(param.type))) throw pveDie("Open VSwitch is not installed (need package 'openvswitch-switch')");
      if (param.bridge_vids !== undefined && splitList(param.bridge_vids).length === 0) throw paramError({ bridge_vids: "VLAN list items are empty" });
      // "make sure the list is space separated"
      if (param.bridge_vids) param.bridge_vids = splitList(param.bridge_vids).join(" ");
      ifaces[iface] = param;
      save(net, config);
      return null;
    }),
  );

  register("PUT", "/nodes/{node}/network/{iface}", (req) =>
    locked(req, () => {
      const net = networkOf(req.params.node);
      const iface = String(req.params.iface);
      const param = paramsOf(req);
      const config = read(net);
      const { ifaces } = config;
      const current = ifaces[iface];
      if (!current) throw missing();
      // `families` is no parameter: it starts empty, and a deleted address drops its family.
      let fams: string[] = [];
      for (const k of splitList(req.params.delete)) {
        delete current[k];
        if (k === "address") fams = fams.filter((f) => f !== "inet");
        if (k === "address6") fams = fams.filter((f) => f !== "inet6");
        if (k === "cidr") {
          delete current.netmask;
          delete current.address;
        } else if (k === "cidr6") {
          delete current.netmask6;
          delete current.address6;
        }
      }
      mapCidr(param);
      if (param.gateway) checkDuplicate(ifaces, iface, "gateway", "Default gateway");
      if (param.gateway6) checkDuplicate(ifaces, iface, "gateway6", "Default ipv6 gateway");
      checkDuplicatePorts(ifaces, iface, param);
      if (param.address6) checkIpv6(param.address6, Math.trunc(Number(param.netmask6 ?? 0)));
      // The method follows what this request sends, not what the interface had.
      families(param, fams);
      Object.assign(current, param);
      if (param.bridge_vids !== undefined && splitList(param.bridge_vids).length === 0) throw paramError({ bridge_vids: "VLAN list items are empty" });
      // PVE normalizes the list after it copied it into the interface: the update keeps it as sent.
      save(net, config);
      return null;
    }),
  );

  register("DELETE", "/nodes/{node}/network/{iface}", (req) =>
    locked(req, () => {
      const net = networkOf(req.params.node);
      const config = read(net);
      const name = String(req.params.iface);
      if (!config.ifaces[name]) throw missing();
      delete config.ifaces[name];
      save(net, config);
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
      work: () => {
        if (net.staged !== undefined) {
          net.current = net.staged;
          delete net.staged;
        }
        net.active = upAfterReload(readInterfaces(net.current, { physical: PHYSICAL, active: new Set() }));
      },
    });
  });

  // unlink interfaces.new: no lock, no check.
  register("DELETE", "/nodes/{node}/network", (req) => {
    delete networkOf(req.params.node).staged;
    return null;
  });
}
