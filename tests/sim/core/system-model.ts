/**
 * Minimal cluster/node endpoints every client touches: `GET /`, `/version`, `/nodes`,
 * `/nodes/{node}`, `/nodes/{node}/status`, `/cluster/status`, `/cluster/nextid`.
 */
import { randomBytes } from "node:crypto";
import type { SimModel } from "../types";
import { SimError } from "../types";

/** The PVE release the simulator claims to be. */
export const SIM_VERSION = { version: "9.2.11", release: "9.2" } as const;

/**
 * Builds the system model; `usedVmids` lets `nextid` skip ids the guest models use and
 * `nextIdRange` is datacenter.cfg's `next-id` (pve-manager `API2/Cluster.pm` `nextid`).
 */
export function systemModel(options: {
  fingerprint: string;
  clusterName?: string;
  usedVmids?: () => Iterable<number>;
  nextIdRange?: () => { lower: number; upper: number };
}): SimModel {
  const repoid = randomBytes(8).toString("hex");
  return {
    name: "system",
    install(register, ctx) {
      register("GET", "/", () => ["version", "cluster", "nodes", "storage", "access", "pools"].map((subdir) => ({ subdir })));
      register("GET", "/version", () => ({ ...SIM_VERSION, repoid }));
      register("GET", "/nodes", () =>
        ctx.nodes.map((node) => ({
          node,
          id: `node/${node}`,
          type: "node",
          status: "online",
          level: "",
          ssl_fingerprint: options.fingerprint,
          uptime: 86400,
          cpu: 0.01,
          maxcpu: 8,
          mem: 4 * 2 ** 30,
          maxmem: 32 * 2 ** 30,
          disk: 10 * 2 ** 30,
          maxdisk: 100 * 2 ** 30,
        })),
      );
      register("GET", "/nodes/{node}", () =>
        [
          "apt",
          "capabilities",
          "ceph",
          "certificates",
          "config",
          "disks",
          "dns",
          "firewall",
          "hosts",
          "network",
          "qemu",
          "lxc",
          "services",
          "status",
          "storage",
          "syslog",
          "tasks",
          "time",
          "version",
        ].map((name) => ({ name })),
      );
      register("GET", "/nodes/{node}/status", () => ({
        uptime: 86400,
        loadavg: ["0.10", "0.05", "0.01"],
        cpu: 0.01,
        wait: 0,
        kversion: "Linux 6.14.8-2-pve #1 SMP PREEMPT_DYNAMIC PMX 6.14.8-2 (2025-07-22T10:04Z) x86_64",
        pveversion: `pve-manager/${SIM_VERSION.version}/${repoid}`,
        "boot-info": { mode: "efi", secureboot: 0 },
        "current-kernel": { sysname: "Linux", release: "6.14.8-2-pve", version: "#1 SMP PREEMPT_DYNAMIC", machine: "x86_64" },
        cpuinfo: { model: "Simulated CPU", cores: 8, cpus: 8, sockets: 1, mhz: "2400.000", hvm: "1", flags: "", user_hz: 100 },
        memory: { total: 32 * 2 ** 30, used: 4 * 2 ** 30, free: 28 * 2 ** 30, available: 28 * 2 ** 30 },
        swap: { total: 0, used: 0, free: 0 },
        rootfs: { total: 100 * 2 ** 30, used: 10 * 2 ** 30, free: 90 * 2 ** 30, avail: 90 * 2 ** 30 },
        ksm: { shared: 0 },
        idle: 0,
      }));
      register("GET", "/cluster/status", () => [
        { type: "cluster", id: "cluster", name: options.clusterName ?? "sim", version: ctx.nodes.length + 1, nodes: ctx.nodes.length, quorate: 1 },
        ...ctx.nodes.map((name, i) => ({
          type: "node",
          id: `node/${name}`,
          name,
          nodeid: i + 1,
          ip: `127.0.0.${i + 1}`,
          local: i === 0 ? 1 : 0,
          online: 1,
          level: "",
        })),
      ]);
      register("GET", "/cluster/nextid", (req) => {
        const used = new Set(options.usedVmids?.() ?? []);
        const wanted = req.params["vmid"];
        if (typeof wanted === "number") {
          if (used.has(wanted)) throw new SimError(400, "Parameter verification failed.\n", { vmid: `VM ${wanted} already exists` });
          return String(wanted);
        }
        const { lower, upper } = options.nextIdRange?.() ?? { lower: 100, upper: 1_000_000 };
        for (let id = lower; id < upper; id++) {
          // PVE's nextid prints the number as a JSON string ("100").
          if (!used.has(id)) return String(id);
        }
        throw new SimError(500, `unable to get any free VMID in range [${lower}, ${upper}]\n`);
      });
    },
  };
}
