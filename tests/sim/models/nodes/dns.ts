/**
 * `/nodes/{node}/dns`: a node's /etc/resolv.conf, as pve-manager `PVE/API2/Nodes.pm` (`dns`,
 * `update_dns`) and pve-common `PVE/INotify.pm` (`read_etc_resolv_conf`,
 * `update_etc_resolv_conf`) handle it. A PUT rewrites the file's `search` and `nameserver` lines
 * from the request alone: a `dnsN` left out is gone, a duplicate or `0.0.0.0` is skipped; other
 * lines stay. Reading numbers the name servers in file order, so a gap closes up (`dns1` and
 * `dns3` sent read back as `dns1` and `dns2`).
 */
import type { SimContext } from "../../types";
import type { Register } from "../generic-store";
import { perNode } from "../per-node";

/** `read_etc_resolv_conf`: `search` (or `domain`) and the first three name servers. */
function readResolvConf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let count = 0;
  for (const line of text.split("\n")) {
    const search = /^(?:search|domain)\s+(\S+)/.exec(line);
    const server = /^\s*nameserver\s+(\S+)/.exec(line);
    if (search?.[1]) out.search = search[1];
    else if (server?.[1] && ++count <= 3) out[`dns${count}`] = server[1];
  }
  return out;
}

/** `update_etc_resolv_conf`: the request's search and name servers, then the file's other lines. */
function updateResolvConf(text: string, params: Readonly<Record<string, unknown>>): string {
  let out = params.search ? `search ${String(params.search)}\n` : "";
  const written = new Set<string>();
  for (const key of ["dns1", "dns2", "dns3"]) {
    const server = params[key] === undefined ? "" : String(params[key]);
    if (server === "" || server === "0.0.0.0" || written.has(server)) continue;
    written.add(server);
    out += `nameserver ${server}\n`;
  }
  const rest = text.split("\n").filter((line) => line !== "" && !/^(search|domain|nameserver)\s+/.test(line));
  return out + rest.map((line) => `${line}\n`).join("");
}

/** Registers GET and PUT `/nodes/{node}/dns`. */
export function installNodeDns(register: Register, ctx: SimContext): void {
  const files = perNode(() => ({ text: "search example.lan\nnameserver 192.168.1.1\n" }));
  register("GET", "/nodes/{node}/dns", (req) => readResolvConf(files(req.params.node).text));
  // `PVE::Tools::lock_file` on /etc/resolv.conf.lock: a local flock, not a cluster lock.
  register("PUT", "/nodes/{node}/dns", (req) =>
    ctx.withLock("/etc/resolv.conf.lock", () => {
      const file = files(req.params.node);
      file.text = updateResolvConf(file.text, req.params);
      return null;
    }),
  );
}
