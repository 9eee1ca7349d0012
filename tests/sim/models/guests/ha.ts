/**
 * The HA stack as far as guest calls need it (pve-ha-manager `src/PVE/HA/Config.pm`
 * `vm_is_ha_managed`, `service_is_configured`, `get_service_status`, `queue_crm_commands`,
 * `delete_service_from_config`; `API2/HA/Resources.pm` create/read/delete): resources.cfg under
 * `lock_ha_domain` (cfs `domain-ha`), the manager's service status, and requests the CRM carries
 * out a round later (start, stop, migrate) through the guest type's resource agent, as the LRM
 * runs `qm start` / `qm migrate` on the node.
 */
import { sleep } from "../../core/clock";
import type { SimContext } from "../../types";
import { pveDie } from "../config-text";
import { simService } from "../services";
import type { GuestType } from "./vmlist";

/** A resource of resources.cfg (`vm:100`). */
export interface HaResource {
  readonly type: "vm" | "ct";
  state: string;
  max_restart?: number;
  max_relocate?: number;
  comment?: string;
  failback?: number;
}

/** What the LRM does for one guest type. */
export interface HaAgent {
  start(vmid: number): Promise<void>;
  stop(vmid: number, timeout: number): Promise<void>;
  migrate(vmid: number, target: string): Promise<void>;
  /** Where the guest is and whether it runs (for the manager's service status). */
  where(vmid: number): { node: string; running: boolean } | undefined;
}

/** A CRM request (`ha-manager set/migrate/crm-command stop`). */
export type HaRequest =
  | { readonly kind: "state"; readonly state: string }
  | { readonly kind: "migrate"; readonly target: string }
  | { readonly kind: "stop"; readonly timeout: number };

/** resources.cfg, the manager status and the resource agents. */
export class HaState {
  readonly resources = new Map<string, HaResource>();
  /** `manager_status->{service_status}`: the state the manager reports per resource. */
  readonly serviceStatus = new Map<string, { state: string; node?: string }>();
  private readonly agents = new Map<string, HaAgent>();
  /** The command the LRM is running for each resource: it runs one at a time per service. */
  private readonly running = new Map<string, Promise<void>>();

  registerAgent(type: "vm" | "ct", agent: HaAgent): void {
    this.agents.set(type, agent);
  }

  agentFor(type: "vm" | "ct"): HaAgent | undefined {
    return this.agents.get(type);
  }

  /** Runs `command` for `sid` after the one already running for it, as the LRM's one worker per service does. */
  inTurn(sid: string, command: () => Promise<void>): Promise<void> {
    const next = (this.running.get(sid) ?? Promise.resolve()).then(command);
    const settled = next.catch(() => undefined);
    this.running.set(sid, settled);
    void settled.then(() => {
      if (this.running.get(sid) === settled) this.running.delete(sid);
    });
    return next;
  }
}

/** The HA state of a simulator. */
export const haStateOf = simService<HaState>("ha", () => new HaState());

/** The HA resource id of a guest (`vm:100`, `ct:100`). */
export function sidOf(type: GuestType, vmid: number): string {
  return `${type === "qemu" ? "vm" : "ct"}:${vmid}`;
}

/** `vm_is_ha_managed`: configured and not `ignored`. */
export function isHaManaged(ctx: SimContext, type: GuestType, vmid: number): boolean {
  const resource = haStateOf(ctx).resources.get(sidOf(type, vmid));
  return resource !== undefined && resource.state !== "ignored";
}

/** `get_service_status`: `{managed: 0}` or `{managed: 1, state}`. */
export function haServiceStatus(ctx: SimContext, sid: string): { managed: 0 | 1; state?: string } {
  const ha = haStateOf(ctx);
  const resource = ha.resources.get(sid);
  if (!resource || resource.state === "ignored") return { managed: 0 };
  const state = ha.serviceStatus.get(sid)?.state;
  return state === undefined ? { managed: 1 } : { managed: 1, state };
}

/** `ha-manager add <sid> --state <state>` (what `create_vm` runs for `ha-managed=1`). */
export async function addHaResource(ctx: SimContext, sid: string, resource: HaResource, roundMs: number): Promise<void> {
  const ha = haStateOf(ctx);
  await ctx.withLock("domain-ha", () => {
    if (ha.resources.has(sid)) throw pveDie(`resource ID '${sid}' already defined`);
    ha.resources.set(sid, resource);
  });
  schedule(ctx, sid, { kind: "state", state: resource.state }, roundMs);
}

/** `delete_service_from_config`. */
export async function deleteHaResource(ctx: SimContext, sid: string): Promise<boolean> {
  const ha = haStateOf(ctx);
  return ctx.withLock("domain-ha", () => {
    ha.serviceStatus.delete(sid);
    return ha.resources.delete(sid);
  });
}

/** `queue_crm_commands`: the manager acts on the request in its next round. */
export async function queueHaRequest(ctx: SimContext, sid: string, request: HaRequest, roundMs: number): Promise<void> {
  await ctx.withLock("domain-ha", () => undefined);
  schedule(ctx, sid, request, roundMs);
}

/** The service state the manager shows for a running or stopped guest. */
function settledState(running: boolean): string {
  return running ? "started" : "stopped";
}

/** Runs a request after `roundMs`, through the resource's agent. */
function schedule(ctx: SimContext, sid: string, request: HaRequest, roundMs: number): void {
  const ha = haStateOf(ctx);
  const resource = ha.resources.get(sid);
  const agent = resource ? ha.agentFor(resource.type) : undefined;
  if (!resource || !agent) return;
  const vmid = Number(sid.split(":")[1]);
  const before = agent.where(vmid);
  if (request.kind === "migrate") ha.serviceStatus.set(sid, { state: "migrate", ...(before ? { node: before.node } : {}) });
  else if (before) ha.serviceStatus.set(sid, { state: settledState(before.running), node: before.node });
  const act = async (): Promise<void> => {
    if (!ha.resources.has(sid)) return;
    try {
      if (request.kind === "migrate") {
        if (request.target !== agent.where(vmid)?.node) await agent.migrate(vmid, request.target);
      } else if (request.kind === "stop") {
        resource.state = "stopped";
        if (agent.where(vmid)?.running) await agent.stop(vmid, request.timeout);
      } else {
        resource.state = request.state;
        const now = agent.where(vmid);
        if (request.state === "started" && now && !now.running) await agent.start(vmid);
        if ((request.state === "stopped" || request.state === "disabled") && now?.running) await agent.stop(vmid, 60);
      }
      const after = agent.where(vmid);
      if (after && ha.resources.has(sid)) ha.serviceStatus.set(sid, { state: settledState(after.running), node: after.node });
    } catch {
      ha.serviceStatus.set(sid, { state: "error", ...(before ? { node: before.node } : {}) });
    }
  };
  void (async () => {
    await sleep(roundMs);
    // LRM `exec_resource_agent` answers `started` for a running service without acting, and a
    // second request waits for the first: two start requests (create's `ha-manager add` and its
    // `hastart`) start the guest once
    await ha.inTurn(sid, act);
  })();
}
