/**
 * SDN, as pve-network serves it: zones, vnets, subnets and controllers are STAGED (edits change
 * the pending config; `PUT /cluster/sdn` commits it to the running config), ipams and dns are
 * written directly. Sources (pve-network):
 * - `src/PVE/API2/Network/SDN.pm`: `lock`, `release_lock`, `rollback`, `reload` (the commit runs
 *   synchronously under the lock, then a `reloadnetworkall` task reloads the nodes; `release-lock`
 *   releases only when sent with a token: RESTHandler does not apply its documented default);
 * - `src/PVE/Network/SDN.pm`: `lock_sdn_config` (the token check, `die "$errmsg: $err"`),
 *   `create_global_lock`, `delete_global_lock`, `has_pending_changes`, `pending_config`;
 * - `src/PVE/API2/Network/SDN/{Zones,Vnets,Subnets,Controllers,Ipams,Dns}.pm` (`create`,
 *   `update`, `delete`, `read`, `index`; `check_config` of create runs before the lock);
 * - the plugins' hooks: `Zones/Plugin.pm` `on_delete_hook`, `Zones/{Evpn,Vxlan,Vlan,QinQ,Simple}Plugin.pm`
 *   `on_update_hook` / `vnet_update_hook`, `Controllers/EvpnPlugin.pm`, `VnetPlugin.pm`,
 *   `SubnetPlugin.pm` `on_update_hook`; `Network/SDN/{Zones,Vnets,Subnets,Controllers,Ipams}.pm`
 *   `sdn_*_config` (the not-found texts).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { BlockList, isIP } from "node:net";
import type { SimContext, SimModel, SimRequest } from "../../types";
import { perlDie, pveDie, type ConfigRecord } from "../config-text";
import { lockedWrite, registerCollection, type CollectionHooks, type Register } from "../generic-store";
import { paramError } from "../param-error";
import { differs, pendingView } from "./pending";
import { CONTROLLER_REQUIRED, ZONE_REQUIRED } from "./zone-types";
import { SectionStore } from "../section-store";

const LOCK = "domain-sdn";
type Kind = "zones" | "vnets" | "subnets" | "controllers";

/** The SDN model plus what tests assert on. */
export interface SdnModel extends SimModel {
  /** How many `reloadnetworkall` tasks commits have started. */
  reloads(): number;
  /** Whether the global lock (`/etc/pve/sdn/.lock`) is held. */
  locked(): boolean;
}

/** `PVE::Tools::random_ether_addr` with PVE's default prefix `BC:24:11`. */
function randomMac(): string {
  return `BC:24:11:${[...randomBytes(3)].map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(":")}`;
}

/** Staged and running configs of the four staged kinds, plus the global lock. */
class SdnState {
  readonly staged: Record<Kind, SectionStore> = {
    zones: new SectionStore(),
    vnets: new SectionStore(),
    subnets: new SectionStore(),
    controllers: new SectionStore(),
  };
  running: Record<Kind, Map<string, ConfigRecord>> = { zones: new Map(), vnets: new Map(), subnets: new Map(), controllers: new Map() };
  version = 0;
  lockToken: string | undefined;
  reloads = 0;

  /** `lock_sdn_config`'s check: while locked, a write must carry the matching token. */
  checkToken(req: SimRequest): void {
    if (this.lockToken !== undefined && req.params["lock-token"] !== this.lockToken) throw perlDie("invalid lock token provided!", "PVE/Network/SDN.pm", 291);
  }

  /** `delete_global_lock() if $lock_token && $release_lock`: both must be sent (no default applies). */
  releaseIfAsked(req: SimRequest): void {
    if (req.params["lock-token"] && req.params["release-lock"]) this.lockToken = undefined;
  }

  hasPending(): boolean {
    return (Object.keys(this.staged) as Kind[]).some((kind) => differs(this.running[kind], this.staged[kind].snapshot()));
  }

  commit(): void {
    for (const kind of Object.keys(this.staged) as Kind[]) this.running[kind] = this.staged[kind].snapshot();
    this.version += 1;
  }

  rollback(): void {
    for (const kind of Object.keys(this.staged) as Kind[]) this.staged[kind].restore(this.running[kind]);
  }
}

/** Subnet ids are `<zone>-<cidr with / as ->`; views add the derived cidr/network/mask/zone. */
function subnetExtras(record: Readonly<ConfigRecord>, id: string): Record<string, unknown> {
  const cidr = id.replace(/^[^-]+-/, "").replace(/-(\d+)$/, "/$1");
  const [network, mask] = cidr.split("/");
  return { cidr, network, mask: Number(mask), zone: id.split("-")[0], vnet: record.vnet };
}

/** GET list/item hooks: staged by default, `running=1` or `pending=1` views on request. */
function viewHooks(state: SdnState, kind: Kind, idParam: string, notFound: (id: string) => string): Pick<CollectionHooks, "list" | "read"> {
  const one = (id: string, req: SimRequest, item: boolean): Record<string, unknown> | undefined => {
    const running = state.running[kind].get(id);
    const staged = state.staged[kind].get(id);
    const base = req.params.pending ? pendingView(running, staged) : req.params.running ? running : staged;
    if (!base) return undefined;
    // `$api_sdn_subnets_config` adds the DHCP ranges (a list, empty without any) to a single subnet.
    const extras = kind === "subnets" ? { ...subnetExtras((running ?? staged ?? {}) as ConfigRecord, id), ...(item ? { "dhcp-range": [] } : {}) } : {};
    return { ...extras, ...base, [idParam]: id, digest: state.staged[kind].digest() };
  };
  return {
    list(req) {
      const ids = new Set([...state.staged[kind].ids(), ...(req.params.pending || req.params.running ? state.running[kind].keys() : [])]);
      return [...ids]
        .sort()
        .map((id) => one(id, req, false))
        .filter((view): view is Record<string, unknown> => view !== undefined)
        .filter((view) => req.params.type === undefined || view.type === req.params.type)
        .filter((view) => kind !== "subnets" || view.vnet === req.params.vnet);
    },
    read(id, req) {
      const view = one(id, req, true);
      if (!view) throw pveDie(notFound(id));
      return view;
    },
  };
}

const prefixes = (what: string, deleteWhat = what) => ({
  create: `create sdn ${what} object failed`,
  update: `update sdn ${what} object failed`,
  delete: `delete sdn ${deleteWhat} object failed`,
});

/** `SectionConfig::check_config` on create: every option of the type that is not optional. */
function requireOptions(required: readonly string[] | undefined, record: Readonly<ConfigRecord>): void {
  const missing = (required ?? []).find((option) => record[option] === undefined);
  if (missing) throw pveDie(`missing value for required option '${missing}'`);
}

/** Whether `ip` lies in `cidr` (`SubnetPlugin::subnet_matcher`). */
function inSubnet(ip: string, cidr: string): boolean {
  const [network = "", bits = "0"] = cidr.split("/");
  const family = isIP(network) === 6 ? "ipv6" : "ipv4";
  if (isIP(ip) !== isIP(network)) return false;
  const list = new BlockList();
  list.addSubnet(network, Number(bits), family);
  return list.check(ip, family);
}

function installStaged(register: Register, ctx: SimContext, state: SdnState, direct: { ipams: SectionStore; dns: SectionStore }): void {
  const { zones, vnets, subnets, controllers } = state.staged;
  const guard = (req: SimRequest): void => state.checkToken(req);
  const zoneNotFound = (id: string): string => `sdn '${id}' does not exist`;
  const vnetNotFound = (id: string): string => `sdn vnet '${id}' does not exist`;
  const subnetsOf = (vnet: string) => subnets.entries().filter(([, subnet]) => subnet.vnet === vnet);

  /** The zone checks of `create`/`update` (under the lock) and the type's `on_update_hook`. */
  const zoneChecks = (id: string, record: ConfigRecord, set: Readonly<ConfigRecord>): void => {
    const dns = set.dns === undefined ? undefined : String(set.dns);
    if (dns && !direct.dns.has(dns)) throw paramError({ dns: `${dns} don't exist` });
    if (set.reversedns !== undefined && !direct.dns.has(String(set.reversedns))) throw paramError({ reversedns: `${String(set.reversedns)} don't exist` });
    if (set.dnszone !== undefined && !dns) throw paramError({ dnszone: "missing dns server" });
    if (set.ipam !== undefined && !direct.ipams.has(String(set.ipam))) throw paramError({ ipam: `${String(set.ipam)} not existing` });
    if (record.type === "evpn") {
      const controller = String(record.controller);
      const found = controllers.get(controller);
      if (!found) throw perlDie(`controller ${controller} don't exist`, "PVE/Network/SDN/Zones/EvpnPlugin.pm", 354);
      if (found.type !== "evpn") throw perlDie(`${controller} is not a evpn controller type`, "PVE/Network/SDN/Zones/EvpnPlugin.pm", 356);
      const twin = zones
        .entries()
        .find(([other, zone]) => other !== id && zone["vrf-vxlan"] !== undefined && String(zone["vrf-vxlan"]) === String(record["vrf-vxlan"]));
      if (twin) throw perlDie(`vrf-vxlan ${String(record["vrf-vxlan"])} is already declared in ${twin[0]}`, "PVE/Network/SDN/Zones/EvpnPlugin.pm", 366);
      record.mac ??= randomMac();
    }
    if (record.type === "vxlan" && (record.peers !== undefined) === (record.fabric !== undefined)) {
      throw paramError({ peers: "must have exactly one of peers / fabric defined", fabric: "must have exactly one of peers / fabric defined" });
    }
  };

  registerCollection(register, ctx, {
    store: zones,
    collection: "/cluster/sdn/zones",
    item: "/cluster/sdn/zones/{zone}",
    idParam: "zone",
    lockId: LOCK,
    errorPrefix: prefixes("zone"),
    transient: ["lock-token"],
    messages: { notFound: zoneNotFound, exists: (id) => `sdn zone object ID '${id}' already defined` },
    hooks: {
      // `$plugin->check_config($id, $param, 1, 1)` runs before the lock: a plain, unprefixed die.
      before(req, op) {
        if (op === "create") requireOptions(ZONE_REQUIRED[String(req.params.type)], req.params as ConfigRecord);
      },
      guard,
      ...viewHooks(state, "zones", "zone", zoneNotFound),
      create: (id, record) => zoneChecks(id, record, record),
      update(id, record, before, req) {
        const ipamChanged = String(record.ipam ?? "") !== String(before.ipam ?? "");
        if (ipamChanged && subnets.entries().some(([subnet]) => subnet.split("-")[0] === id)) {
          throw paramError({ ipam: "can't change ipam if a subnet is already defined in this zone" });
        }
        // The dns/ipam checks look at the options this update sets; the type's hook at the whole zone.
        zoneChecks(id, record, Object.fromEntries(Object.entries(record).filter(([key]) => key in req.params)));
      },
      remove(id) {
        const user = vnets.entries().find(([, vnet]) => vnet.zone === id);
        if (user) throw perlDie(`zone ${id} is used by vnet ${user[0]}`, "PVE/Network/SDN/Zones/Plugin.pm", 148);
      },
    },
  });

  /** The vnet hooks of the zone's type (`vnet_update_hook`) and `VnetPlugin::on_update_hook`. */
  const vnetChecks = (id: string, record: ConfigRecord): void => {
    const zone = zones.get(String(record.zone));
    // `Zones::Plugin->lookup($plugin_config->{type})` on a zone that is not there.
    if (!zone) throw perlDie("cannot lookup undefined type!", "PVE/API2/Network/SDN/Vnets.pm", 326);
    const tag = record.tag === undefined ? undefined : Number(record.tag);
    const others = vnets.entries().filter(([other]) => other !== id);
    switch (zone.type) {
      case "simple":
        if (tag !== undefined) throw paramError({ tag: "vlan tag is not allowed on simple zone" });
        record.mac ??= randomMac();
        break;
      case "vlan": {
        if (tag === undefined) throw paramError({ tag: "missing vlan tag" });
        if (tag > 4096) throw paramError({ tag: "vlan tag max value is 4096" });
        const twin = others.find(([, other]) => other.zone === record.zone && Number(other.tag) === tag);
        if (twin) throw paramError({ tag: `tag ${tag} already exist in vnet ${twin[0]}` });
        break;
      }
      case "vxlan":
      case "evpn": {
        if (tag === undefined) throw paramError({ tag: "missing vxlan tag" });
        if (zone.type === "evpn" && record.vlanaware) throw paramError({ "vlan-aware": "vlan-aware option can't be enabled with evpn" });
        const twin = others.find(([, other]) => ["vxlan", "evpn"].includes(String(zones.get(String(other.zone))?.type)) && Number(other.tag) === tag);
        if (twin) throw paramError({ tag: `vxlan tag ${tag} already exist in vnet ${twin[0]} in zone ${String(twin[1].zone)} ` });
        break;
      }
      default:
        break;
    }
    if (record.vlanaware && subnetsOf(id).length > 0) throw paramError({ vlanaware: "vlanaware vnet is not compatible with subnets" });
  };
  // `$check_vnet_access` reads the vnet before the lock: a missing one is a plain, unprefixed die.
  const vnetMustExist = (vnet: unknown): void => {
    if (!vnets.has(String(vnet))) throw pveDie(vnetNotFound(String(vnet)));
  };
  registerCollection(register, ctx, {
    store: vnets,
    collection: "/cluster/sdn/vnets",
    item: "/cluster/sdn/vnets/{vnet}",
    idParam: "vnet",
    lockId: LOCK,
    errorPrefix: prefixes("vnet"),
    transient: ["lock-token"],
    messages: { notFound: vnetNotFound, exists: (id) => `sdn vnet object ID '${id}' already defined` },
    hooks: {
      before(req, op) {
        if (op !== "create") vnetMustExist(req.params.vnet);
      },
      guard,
      ...viewHooks(state, "vnets", "vnet", vnetNotFound),
      create(id, record) {
        record.type = "vnet";
        vnetChecks(id, record);
      },
      update(id, record, before) {
        if (record.zone !== before.zone && subnetsOf(id).length > 0) throw paramError({ zone: "can't change zone if subnets exist" });
        vnetChecks(id, record);
      },
      remove(id) {
        if (subnetsOf(id).length > 0) throw paramError({ vnet: "Can't delete vnet if subnets exists" });
      },
    },
  });

  /** `SubnetPlugin::on_update_hook`: the vnet, and a gateway inside the subnet (a /32 may point outside). */
  const subnetChecks = (id: string, record: ConfigRecord): void => {
    const vnet = vnets.get(String(record.vnet));
    if (!vnet) throw paramError({ vnet: `${String(record.vnet)} don't exist` });
    if (vnet.vlanaware) throw paramError({ vnet: "you can't add a subnet on a vlanaware vnet" });
    const { cidr, mask } = subnetExtras(record, id) as { cidr: string; mask: number };
    const gateway = record.gateway === undefined ? undefined : String(record.gateway);
    const pointToPoint = isIP(gateway ?? "") === 4 && mask === 32;
    if (gateway && !inSubnet(gateway, cidr) && !pointToPoint) throw paramError({ gateway: `${gateway} is not in subnet ${cidr}` });
  };
  registerCollection(register, ctx, {
    store: subnets,
    collection: "/cluster/sdn/vnets/{vnet}/subnets",
    item: "/cluster/sdn/vnets/{vnet}/subnets/{subnet}",
    idParam: "subnet",
    lockId: LOCK,
    errorPrefix: prefixes("subnet"),
    transient: ["lock-token"],
    messages: { notFound: (id) => `sdn subnet '${id}' does not exist`, exists: (id) => `sdn subnet object ID '${id}' already defined` },
    // `delete` reads the subnet with `$noerr`: deleting one that is gone (in a zone without IPAM) succeeds.
    deleteMissingOk: true,
    hooks: {
      before: (req) => vnetMustExist(req.params.vnet),
      guard,
      ...viewHooks(state, "subnets", "subnet", (id) => `sdn subnet '${id}' does not exist`),
      createId(req) {
        const vnet = vnets.get(String(req.params.vnet));
        return `${String(vnet?.zone)}-${String(req.params.subnet).replace("/", "-")}`;
      },
      create(id, record, req) {
        record.vnet = String(req.params.vnet);
        subnetChecks(id, record);
      },
      update: (id, record) => subnetChecks(id, record),
    },
  });

  registerCollection(register, ctx, {
    store: controllers,
    collection: "/cluster/sdn/controllers",
    item: "/cluster/sdn/controllers/{controller}",
    idParam: "controller",
    lockId: LOCK,
    errorPrefix: prefixes("controller"),
    transient: ["lock-token"],
    messages: { notFound: zoneNotFound, exists: (id) => `sdn controller object ID '${id}' already defined` },
    hooks: {
      before(req, op) {
        if (op === "create") requireOptions(CONTROLLER_REQUIRED[String(req.params.type)], req.params as ConfigRecord);
      },
      guard,
      ...viewHooks(state, "controllers", "controller", zoneNotFound),
      create: (id, record) => controllerChecks(id, record),
      update: (id, record) => controllerChecks(id, record),
      remove(id) {
        const user = zones.entries().find(([, zone]) => zone.controller === id);
        if (user) throw perlDie(`controller ${id} is used by ${user[0]}`, "PVE/Network/SDN/Controllers/EvpnPlugin.pm", 475);
      },
    },
  });

  /**
   * The controller plugins' `on_update_hook`: one EVPN controller. BGP and ISIS count the other
   * controllers of their type on the node serving the request and refuse a second one beyond it.
   */
  function controllerChecks(id: string, record: ConfigRecord): void {
    const others = controllers.entries().filter(([other]) => other !== id);
    const local = ctx.nodes[0];
    const onLocalNode = (type: string): number => others.filter(([, other]) => other.type === type && other.node === local).length;
    if (record.type === "evpn") {
      if (others.some(([, other]) => other.type === "evpn"))
        throw perlDie("only 1 global evpn controller can be defined", "PVE/Network/SDN/Controllers/EvpnPlugin.pm", 491);
      if ((record.peers !== undefined) === (record.fabric !== undefined)) {
        throw perlDie("must have exactly one of peers / fabric defined", "PVE/Network/SDN/Controllers/EvpnPlugin.pm", 496);
      }
    }
    if (record.type === "bgp" && onLocalNode("bgp") > 1) throw perlDie("only 1 bgp controller can be defined", "PVE/Network/SDN/Controllers/BgpPlugin.pm", 183);
    if (record.type === "isis" && onLocalNode("isis") > 1)
      throw perlDie("only 1 bgp or isis controller can be defined", "PVE/Network/SDN/Controllers/IsisPlugin.pm", 123);
  }
}

/** IPAMs and DNS plugins: written directly (not staged); tokens and keys never returned. */
function installDirect(register: Register, ctx: SimContext, state: SdnState): { ipams: SectionStore; dns: SectionStore } {
  const guard = (req: SimRequest): void => state.checkToken(req);
  const ipams = new SectionStore();
  ipams.set("pve", { type: "pve" });
  const dns = new SectionStore();
  registerCollection(register, ctx, {
    // Ipams.pm's delete says "zone" (its message was copied from Zones.pm).
    store: ipams,
    collection: "/cluster/sdn/ipams",
    item: "/cluster/sdn/ipams/{ipam}",
    idParam: "ipam",
    lockId: LOCK,
    errorPrefix: prefixes("ipam", "zone"),
    hidden: ["token"],
    transient: ["lock-token"],
    messages: { notFound: (id) => `sdn '${id}' does not exist`, exists: (id) => `sdn ipam object ID '${id}' already defined` },
    hooks: {
      guard,
      list: (req) =>
        ipams
          .entries()
          .filter(([, r]) => req.params.type === undefined || r.type === req.params.type)
          .map(([ipam, r]) => ({ ipam, type: r.type })),
    },
  });
  registerCollection(register, ctx, {
    store: dns,
    collection: "/cluster/sdn/dns",
    item: "/cluster/sdn/dns/{dns}",
    idParam: "dns",
    lockId: LOCK,
    errorPrefix: prefixes("dns"),
    hidden: ["key"],
    transient: ["lock-token"],
    messages: { notFound: (id) => `sdn '${id}' does not exist`, exists: (id) => `sdn dns object ID '${id}' already defined` },
    hooks: { guard },
  });
  return { ipams, dns };
}

/** PUT /cluster/sdn (commit + reload task), rollback, and the global lock. */
function installControl(register: Register, ctx: SimContext, state: SdnState): void {
  /** `lock_sdn_config($code, $errmsg, $lock_token)`: the token check under the domain lock, errors prefixed. */
  const sdnLocked = <T>(req: SimRequest, errmsg: string, fn: () => T): Promise<T> =>
    lockedWrite(ctx, LOCK, errmsg, () => {
      state.checkToken(req);
      return fn();
    });

  register("PUT", "/cluster/sdn", async (req) => {
    // The commit (and the release the caller asked for) happens before the task starts.
    await sdnLocked(req, "could not commit SDN config", () => {
      state.commit();
      state.releaseIfAsked(req);
    });
    state.reloads += 1;
    const node = ctx.nodes[0] ?? "pve1";
    return ctx.startTask({
      node,
      type: "reloadnetworkall",
      auth: req.auth,
      work: (log) => {
        for (const target of ctx.nodes) {
          log(`${target}: reloading network config`);
          ctx.startTask({ node: target, type: "srvreload", id: "networking", auth: req.auth, work: () => undefined });
        }
      },
    });
  });
  register("POST", "/cluster/sdn/rollback", (req) =>
    sdnLocked(req, "could not rollback SDN configuration", () => {
      state.rollback();
      state.releaseIfAsked(req);
      return null;
    }),
  );
  register("POST", "/cluster/sdn/lock", (req) =>
    // No token of its own: a held lock fails the token check ("invalid lock token provided!").
    sdnLocked({ ...req, params: {} }, "could not acquire lock for SDN config", () => {
      if (!req.params["allow-pending"] && state.hasPending()) throw perlDie("configuration has pending changes", "PVE/API2/Network/SDN.pm", 149);
      // `UUID::generate_v7`.
      state.lockToken = uuidV7();
      return state.lockToken;
    }),
  );
  register("DELETE", "/cluster/sdn/lock", (req) => {
    // `force` deletes the lock file without taking the domain lock or checking anything.
    if (req.params.force) {
      state.lockToken = undefined;
      return null;
    }
    return sdnLocked(req, "could not release lock", () => {
      state.lockToken = undefined;
      return null;
    });
  });
}

/** A version-7 UUID: 48 bits of milliseconds, then random bits. */
function uuidV7(): string {
  const hex = Date.now().toString(16).padStart(12, "0");
  const rest = randomUUID().slice(14);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${rest.slice(1)}`;
}

/** The SDN model; each install (each simulator) gets fresh state, `reloads` reads the latest. */
export function sdnModel(): SdnModel {
  let state = new SdnState();
  return {
    name: "sdn",
    reloads: () => state.reloads,
    locked: () => state.lockToken !== undefined,
    install(register, ctx) {
      state = new SdnState();
      const direct = installDirect(register, ctx, state);
      installStaged(register, ctx, state, direct);
      installControl(register, ctx, state);
    },
  };
}
