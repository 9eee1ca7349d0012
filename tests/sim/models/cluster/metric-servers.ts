/**
 * `/cluster/metrics/server/{id}` as pve-manager `PVE/API2/Cluster/MetricServer.pm` serves it
 * (`server_index`, `read`, `create`, `update`, `delete` under `cfs_lock_file('status.cfg')`):
 * created on the item path, PVE's texts for a missing or duplicate entry; the `token` is taken out
 * by `extract_sensitive_params` for the plugin's `on_add_hook`, so it is never read back. See
 * tests/sim/FIDELITY.md for what it follows and where it differs.
 */
import type { SimContext } from "../../types";
import { registerCollection, type Register } from "../generic-store";
import { SectionStore } from "../section-store";

/** Registers the metric-server collection. */
export function installMetricServers(register: Register, ctx: SimContext): void {
  const store = new SectionStore();
  registerCollection(register, ctx, {
    store,
    collection: "/cluster/metrics/server",
    item: "/cluster/metrics/server/{id}",
    idParam: "id",
    createOnItem: true,
    lockId: "file-status_cfg",
    itemDigest: false,
    hidden: ["token"],
    messages: {
      notFound: (id) => `status server entry '${id}' does not exist`,
      updateNotFound: (id) => `no such server '${id}'`,
      exists: (id) => `Metric server '${id}' already exists`,
    },
    hooks: {
      // The index lists only these fields, with `disable` defaulted to 0.
      list: () => store.entries().map(([id, r]) => ({ id, disable: r.disable ?? 0, type: r.type, server: r.server, port: r.port })),
    },
  });
}
