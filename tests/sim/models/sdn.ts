/**
 * SDN: zones, vnets, subnets and controllers are STAGED (edits change the pending config, which
 * `PUT /cluster/sdn` commits to the running config); ipams and dns are written directly.
 * All writes take `domain-sdn` and honour the PVE 9 global lock token.
 */
import { randomUUID } from "node:crypto";
import type { SimContext, SimModel, SimRequest } from "../types";
import { pveDie, type ConfigRecord } from "./config-text";
import { lockedWrite, registerCollection, type CollectionHooks, type Register } from "./generic-store";
import { differs, pendingView } from "./sdn-pending";
import { CONTROLLER_REQUIRED, ZONE_REQUIRED, missingRequired } from "./sdn-zone-types";
import { SectionStore } from "./section-store";

const LOCK = "domain-sdn";
type Kind = "zones" | "vnets" | "subnets" | "controllers";

/** The SDN model plus counters tests assert on. */
export interface SdnModel extends SimModel {
  /** How many `reloadnetworkall` tasks commits have started. */
  reloads(): number;
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
    if (this.lockToken !== undefined && req.params["lock-token"] !== this.lockToken) throw pveDie("invalid lock token provided!");
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
  const one = (id: string, req: SimRequest): Record<string, unknown> | undefined => {
    const running = state.running[kind].get(id);
    const staged = state.staged[kind].get(id);
    const base = req.params.pending ? pendingView(running, staged) : req.params.running ? running : staged;
    if (!base) return undefined;
    const extras = kind === "subnets" ? subnetExtras((running ?? staged ?? {}) as ConfigRecord, id) : {};
    return { ...extras, ...base, [idParam]: id, digest: state.staged[kind].digest() };
  };
  return {
    list(req) {
      const ids = new Set([...state.staged[kind].ids(), ...(req.params.pending || req.params.running ? state.running[kind].keys() : [])]);
      return [...ids]
        .sort()
        .map((id) => one(id, req))
        .filter((view): view is Record<string, unknown> => view !== undefined)
        .filter((view) => req.params.type === undefined || view.type === req.params.type)
        .filter((view) => kind !== "subnets" || view.vnet === req.params.vnet);
    },
    read(id, req) {
      const view = one(id, req);
      if (!view) throw pveDie(notFound(id));
      return view;
    },
  };
}

const prefixes = (what: string) => ({
  create: `create sdn ${what} object failed`,
  update: `update sdn ${what} object failed`,
  delete: `delete sdn ${what} object failed`,
});

function installStaged(register: Register, ctx: SimContext, state: SdnState): void {
  const { zones, vnets, subnets, controllers } = state.staged;
  const guard = (req: SimRequest): void => state.checkToken(req);
  const zoneChecks = (record: ConfigRecord): void => {
    const missing = missingRequired(ZONE_REQUIRED[String(record.type)], record);
    if (missing) throw pveDie(`missing value for required option '${missing.split("|")[0]}'`);
    if (record.controller !== undefined && !controllers.has(String(record.controller))) {
      throw pveDie(`controller ${String(record.controller)} don't exist`);
    }
  };

  registerCollection(register, ctx, {
    store: zones, collection: "/cluster/sdn/zones", item: "/cluster/sdn/zones/{zone}", idParam: "zone", lockId: LOCK,
    errorPrefix: prefixes("zone"), transient: ["lock-token"],
    messages: { notFound: (id) => `sdn '${id}' zone not defined`, exists: (id) => `sdn zone object ID '${id}' already defined` },
    hooks: {
      guard,
      ...viewHooks(state, "zones", "zone", (id) => `sdn '${id}' zone not defined`),
      create: (_id, record) => zoneChecks(record),
      update: (_id, record) => zoneChecks(record),
      remove(id) {
        const user = vnets.entries().find(([, vnet]) => vnet.zone === id);
        if (user) throw pveDie(`zone ${id} is used by vnet ${user[0]}`);
      },
    },
  });

  const vnetChecks = (record: ConfigRecord): void => {
    if (!zones.has(String(record.zone))) throw pveDie(`zone '${String(record.zone)}' doesn't exist`);
  };
  registerCollection(register, ctx, {
    store: vnets, collection: "/cluster/sdn/vnets", item: "/cluster/sdn/vnets/{vnet}", idParam: "vnet", lockId: LOCK,
    errorPrefix: prefixes("vnet"), transient: ["lock-token"],
    messages: { notFound: (id) => `sdn vnet '${id}' does not exist`, exists: (id) => `sdn vnet object ID '${id}' already defined` },
    hooks: {
      guard,
      ...viewHooks(state, "vnets", "vnet", (id) => `sdn vnet '${id}' does not exist`),
      create(_id, record) {
        record.type = "vnet";
        vnetChecks(record);
      },
      update: (_id, record) => vnetChecks(record),
      remove(id) {
        const user = subnets.entries().find(([, subnet]) => subnet.vnet === id);
        if (user) throw pveDie(`Can't delete vnet ${id}, subnet ${user[0]} is defined on it`);
      },
    },
  });

  registerCollection(register, ctx, {
    store: subnets, collection: "/cluster/sdn/vnets/{vnet}/subnets", item: "/cluster/sdn/vnets/{vnet}/subnets/{subnet}",
    idParam: "subnet", lockId: LOCK, errorPrefix: prefixes("subnet"), transient: ["lock-token"],
    messages: { notFound: (id) => `sdn subnet '${id}' does not exist`, exists: (id) => `sdn subnet object ID '${id}' already defined` },
    hooks: {
      guard,
      ...viewHooks(state, "subnets", "subnet", (id) => `sdn subnet '${id}' does not exist`),
      createId(req) {
        const vnet = vnets.get(String(req.params.vnet));
        if (!vnet) throw pveDie(`sdn vnet '${String(req.params.vnet)}' does not exist`);
        return `${String(vnet.zone)}-${String(req.params.subnet).replace("/", "-")}`;
      },
      create(_id, record, req) {
        record.vnet = String(req.params.vnet);
      },
    },
  });

  registerCollection(register, ctx, {
    store: controllers, collection: "/cluster/sdn/controllers", item: "/cluster/sdn/controllers/{controller}",
    idParam: "controller", lockId: LOCK, errorPrefix: prefixes("controller"), transient: ["lock-token"],
    messages: {
      notFound: (id) => `sdn '${id}' controller not defined`,
      exists: (id) => `sdn controller object ID '${id}' already defined`,
    },
    hooks: {
      guard,
      ...viewHooks(state, "controllers", "controller", (id) => `sdn '${id}' controller not defined`),
      create(_id, record) {
        const missing = missingRequired(CONTROLLER_REQUIRED[String(record.type)], record);
        if (missing) throw pveDie(`missing value for required option '${missing.split("|")[0]}'`);
      },
      remove(id) {
        const user = zones.entries().find(([, zone]) => zone.controller === id);
        if (user) throw pveDie(`controller ${id} is used by zone ${user[0]}`);
      },
    },
  });
}

/** IPAMs and DNS plugins: written directly (not staged); tokens and keys never returned. */
function installDirect(register: Register, ctx: SimContext, state: SdnState): void {
  const guard = (req: SimRequest): void => state.checkToken(req);
  const ipams = new SectionStore();
  ipams.set("pve", { type: "pve" });
  registerCollection(register, ctx, {
    store: ipams, collection: "/cluster/sdn/ipams", item: "/cluster/sdn/ipams/{ipam}", idParam: "ipam", lockId: LOCK,
    errorPrefix: prefixes("ipam"), hidden: ["token"], transient: ["lock-token"],
    messages: { notFound: (id) => `sdn '${id}' ipam not defined`, exists: (id) => `sdn ipam object ID '${id}' already defined` },
    hooks: {
      guard,
      list: (req) =>
        ipams.entries().filter(([, r]) => req.params.type === undefined || r.type === req.params.type).map(([ipam, r]) => ({ ipam, type: r.type })),
    },
  });
  registerCollection(register, ctx, {
    store: new SectionStore(), collection: "/cluster/sdn/dns", item: "/cluster/sdn/dns/{dns}", idParam: "dns", lockId: LOCK,
    errorPrefix: prefixes("dns"), hidden: ["key"], transient: ["lock-token"],
    messages: { notFound: (id) => `sdn '${id}' dns not defined`, exists: (id) => `sdn dns object ID '${id}' already defined` },
    hooks: { guard },
  });
}

/** PUT /cluster/sdn (commit + reload task), rollback, and the global lock. */
function installControl(register: Register, ctx: SimContext, state: SdnState): void {
  const release = (req: SimRequest): void => {
    if (req.params["release-lock"] !== 0) state.lockToken = undefined;
  };
  register("PUT", "/cluster/sdn", (req) =>
    lockedWrite(ctx, LOCK, "could not commit SDN config", () => {
      state.checkToken(req);
      state.commit();
      release(req);
      state.reloads += 1;
      // The commit is synchronous; the task reloads every node without waiting for them.
      const node = ctx.nodes[0] ?? "pve1";
      return ctx.startTask({
        node,
        type: "reloadnetworkall",
        auth: req.auth,
        work: (log) => {
          for (const target of ctx.nodes) {
            log(`reload network on node ${target}`);
            ctx.startTask({ node: target, type: "srvreload", id: "networking", auth: req.auth, work: () => undefined });
          }
        },
      });
    }),
  );
  register("POST", "/cluster/sdn/rollback", (req) =>
    lockedWrite(ctx, LOCK, "could not rollback SDN configuration", () => {
      state.checkToken(req);
      state.rollback();
      release(req);
      return null;
    }),
  );
  register("POST", "/cluster/sdn/lock", (req) =>
    lockedWrite(ctx, LOCK, "could not acquire lock for SDN config", () => {
      if (state.lockToken !== undefined) throw pveDie("global lock is already held");
      if (!req.params["allow-pending"] && state.hasPending()) throw pveDie("configuration has pending changes");
      state.lockToken = randomUUID();
      return state.lockToken;
    }),
  );
  register("DELETE", "/cluster/sdn/lock", (req) =>
    lockedWrite(ctx, LOCK, "could not release lock", () => {
      if (!req.params.force) state.checkToken(req);
      state.lockToken = undefined;
      return null;
    }),
  );
}

/** The SDN model; each install (each simulator) gets fresh state, `reloads` reads the latest. */
export function sdnModel(): SdnModel {
  let state = new SdnState();
  return {
    name: "sdn",
    reloads: () => state.reloads,
    install(register, ctx) {
      state = new SdnState();
      installStaged(register, ctx, state);
      installDirect(register, ctx, state);
      installControl(register, ctx, state);
    },
  };
}
