/**
 * `/cluster/replication`: jobs `<vmid>-<n>`, as pve-manager `PVE/API2/ReplicationConfig.pm`
 * serves them (`index`, `read`, `create`, `update`, `delete`) on pve-guest-common
 * `PVE/ReplicationConfig.pm` (`parse_config` adds `guest`/`jobnum`/`id`, `write_config` allows one
 * job per guest and target, `lock` re-raises with `die $err`, so a 400 stays a 400). DELETE only
 * marks a job (`remove_job`); the replication runner removes it on its next run, modelled as
 * `runnerDelayMs` of simulated time. Without a guest model, a guest is on the node `source` names, else
 * on the first node.
 */
import type { SimContext, SimRequest } from "../../types";
import { pveDie } from "../config-text";
import { registerCollection, type Register } from "../generic-store";
import { paramError } from "../param-error";
import { SectionStore } from "../section-store";

/** Options of the replication model. */
export interface ReplicationOptions {
  /** Simulated ms after a DELETE until the runner has removed the job (pvescheduler: ~1 min). */
  readonly runnerDelayMs?: number;
}

/** `parse_replication_job_id`: the guest of `<vmid>-<n>`. */
const guestOf = (id: string): number => Number(id.split("-")[0]);

/** Registers the replication-job collection. */
export function installReplication(register: Register, ctx: SimContext, options: ReplicationOptions = {}): void {
  const store = new SectionStore();
  const removeAt = new Map<string, number>();
  const delay = options.runnerDelayMs ?? 5_000;
  const guestNode = ctx.nodes[0] ?? "pve1";

  // The runner: jobs marked for removal whose time has come disappear (run lazily on every call).
  const runDue = (): void => {
    for (const [id, due] of removeAt) {
      if (ctx.now() < due) continue;
      store.delete(id);
      removeAt.delete(id);
    }
  };
  // Every handler checks the guest's privilege itself (the schema says `user => 'all'`).
  const checked =
    (priv: string) =>
    (req: SimRequest): void =>
      ctx.checkPermission(req.auth, `/vms/${guestOf(String(req.params.id))}`, priv);
  const withRunner: Register = (method, template, handler) =>
    register(method, template, (req, c) => {
      runDue();
      if (method !== "GET") checked("VM.Replicate")(req);
      else if (template.endsWith("{id}")) checked("VM.Audit")(req);
      return handler(req, c);
    });

  registerCollection(withRunner, ctx, {
    store,
    collection: "/cluster/replication",
    item: "/cluster/replication/{id}",
    idParam: "id",
    lockId: "file-replication_cfg",
    messages: {
      notFound: (id) => `no such replication job '${id}'`,
      updateNotFound: (id) => `no such job '${id}'`,
      deleteNotFound: (id) => `no such job '${id}'`,
      exists: (id) => `replication job '${id}' already exists`,
    },
    // `delete` with `force` drops the entry without looking for it first (after the `keep` conflict).
    deleteMissingOk(req) {
      if (!req.params.force) return false;
      if (req.params.keep) throw paramError({ keep: "conflicts with parameter 'force'" });
      return true;
    },
    hooks: {
      // Only jobs of guests the caller may audit (`check(..., 1)` skips the others).
      list: (req) =>
        store.entries().flatMap(([id, job]) => {
          try {
            ctx.checkPermission(req.auth, `/vms/${guestOf(id)}`, "VM.Audit");
          } catch {
            return [];
          }
          return [{ ...job, id }];
        }),
      create(id, job) {
        const [guest = "", jobnum = ""] = id.split("-");
        const target = String(job.target);
        if (!ctx.nodes.includes(target)) throw pveDie(`Target '${target}' does not exist.`);
        // Without a guest model, the guest is where `source` says (PVE checks it against the guest's node), else on the first node.
        job.source ??= guestNode;
        if (job.source === target) throw pveDie("Source and target must not be identical");
        job.guest = Number(guest);
        job.jobnum = Number(jobnum);
        // `write_config`: one job per guest and target.
        const twin = store.entries().find(([, other]) => other.guest === job.guest && other.target === target);
        if (twin) throw pveDie(`replication job for guest '${guest}' to target 'local/${target}' already exists`);
      },
      remove(id, job, req) {
        if (req.params.force) {
          if (req.params.keep) throw paramError({ keep: "conflicts with parameter 'force'" });
          removeAt.delete(id);
          return;
        }
        job.remove_job = !req.params.keep && job.type === "local" ? "full" : "local";
        store.set(id, job);
        removeAt.set(id, ctx.now() + delay);
        return "keep";
      },
    },
  });
}
