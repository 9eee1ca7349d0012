/** Node singletons: `/nodes/{node}/dns` (`node-dns.ts`), `/hosts` (whole-file text + digest), `/config`, `/time`. */
import type { SimContext } from "../types";
import { assertDigest, sha1 } from "./config-text";
import { FlatConfig } from "./flat-config";
import { registerSingleton, type Register } from "./generic-store";
import { installNodeDns } from "./node-dns";
import { perNode } from "./per-node";

const hostsFile = (node: string): string =>
  `127.0.0.1 localhost.localdomain localhost\n192.168.1.10 ${node}.example.lan ${node}\n\n::1 ip6-localhost ip6-loopback\n`;

/** Offsets (minutes east of UTC) for the few zones the simulator knows by name; others count as UTC. */
const OFFSETS: Readonly<Record<string, number>> = { UTC: 0, "Europe/Vienna": 60, "Europe/Berlin": 60, "America/New_York": -300 };

/** Registers the node singleton configs; returns each node's `/nodes/{node}/config` (for the ACME model). */
export function installNodeConfig(register: Register, ctx: SimContext): (node: unknown) => FlatConfig {
  const options = perNode(() => new FlatConfig());
  const hosts = perNode((node) => ({ text: hostsFile(node) }));
  const timezone = perNode(() => ({ zone: "UTC" }));

  installNodeDns(register, ctx);
  registerSingleton(register, ctx, {
    template: "/nodes/{node}/config",
    config: (req) => options(req.params.node),
    lockId: (req) => `file-nodes_${String(req.params.node)}_config`,
    digest: true,
  });

  register("GET", "/nodes/{node}/hosts", (req) => {
    const { text } = hosts(req.params.node);
    return { data: text, digest: sha1(text) };
  });
  register("POST", "/nodes/{node}/hosts", (req) => {
    const file = hosts(req.params.node);
    assertDigest(sha1(file.text), req.params.digest);
    file.text = String(req.params.data);
    return null;
  });

  register("GET", "/nodes/{node}/time", (req) => {
    const zone = timezone(req.params.node).zone;
    const time = Math.floor(ctx.now() / 1000);
    return { timezone: zone, time, localtime: time + (OFFSETS[zone] ?? 0) * 60 };
  });
  register("PUT", "/nodes/{node}/time", (req) => {
    timezone(req.params.node).zone = String(req.params.timezone);
    return null;
  });
  return options;
}
