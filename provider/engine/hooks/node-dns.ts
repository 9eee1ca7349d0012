import type { CheckFailure, KindHooks } from ".";

const SERVERS = ["dns1", "dns2", "dns3"] as const;

/**
 * A node's name servers as PVE keeps them (pve-common `update_etc_resolv_conf`,
 * `read_etc_resolv_conf`): written in order, repeats and `0.0.0.0` skipped, and numbered again on
 * read. A gap or a repeat would read back under other names, a change on every refresh: preview
 * refuses them.
 */
export const nodeDnsHooks: KindHooks = {
  check(news) {
    const failures: CheckFailure[] = [];
    const seen = new Map<string, string>();
    SERVERS.forEach((field, i) => {
      const server = news[field];
      if (typeof server !== "string") return;
      const before = SERVERS[i - 1];
      if (before && typeof news[before] !== "string") failures.push({ property: field, reason: `needs ${before}: PVE numbers the name servers in order, so it would read back as ${before}` });
      if (server === "0.0.0.0") failures.push({ property: field, reason: "0.0.0.0 is not written by PVE (it means no name server)" });
      const twin = seen.get(server);
      if (twin) failures.push({ property: field, reason: `repeats ${twin}: PVE writes a name server once` });
      seen.set(server, field);
    });
    return failures;
  },
};
