/**
 * `/cluster/replication`: jobs `<vmid>-<n>`. DELETE only marks a job (`remove_job`); the
 * replication runner removes it on its next run, modelled as `runnerDelayMs` of simulated time.
 */
import type { SimContext } from "../types";
import { pveDie } from "./config-text";
import { registerCollection, type Register } from "./generic-store";
import { paramError } from "./param-error";
import { SectionStore } from "./section-store";

/** Options of the replication model. */
export interface ReplicationOptions {
  /** Simulated ms after a DELETE until the runner has removed the job (pvescheduler: ~1 min). */
  readonly runnerDelayMs?: number;
}

/** Registers the replication-job collection. */
export function installReplication(register: Register, ctx: SimContext, options: ReplicationOptions = {}): void {
  const store = new SectionStore();
  const removeAt = new Map<string, number>();
  const delay = options.runnerDelayMs ?? 5_000;

  // The runner: jobs marked for removal whose time has come disappear (run lazily on every call).
  const runDue = (): void => {
    for (const [id, due] of removeAt) {
      if (ctx.now() < due) continue;
      store.delete(id);
      removeAt.delete(id);
    }
  };
  const withRunner: Register = (method, template, handler) =>
    register(method, template, (req, c) => {
      runDue();
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
    hooks: {
      create(id, job) {
        const [guest = "", jobnum = ""] = id.split("-");
        const target = String(job.target);
        if (!ctx.nodes.includes(target)) throw pveDie(`Target '${target}' does not exist.`);
        // Without a guest model the guest lives on the first node unless `source` says otherwise.
        job.source ??= ctx.nodes[0] ?? "pve1";
        if (job.source === target) throw pveDie("Source and target must not be identical");
        job.guest = Number(guest);
        job.jobnum = Number(jobnum);
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
