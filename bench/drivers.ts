/**
 * The clients of sections 1 and 2 behind one {@link Driver} shape: ours, bare `node:https`
 * with a keep-alive agent, and the npm peers `proxmox-api` and `@corsinvest/cv4pve-api-javascript`.
 * (proxmoxer runs in Python: see proxmoxer.ts.)
 */
import { Agent, request } from "node:https";
import { PveClient } from "@corsinvest/cv4pve-api-javascript";
import proxmoxApi from "proxmox-api";
import type { ProxmoxEngineOptions } from "proxmox-api";
import { Agent as UndiciAgent, fetch as undiciFetch } from "undici";
import { ProxmoxClient } from "../provider/client";
import type { Driver } from "./workload";

/** Where the clients connect: the simulator's endpoint, CA and token. */
export interface Target {
  endpoint: string;
  host: string;
  port: number;
  caCert: string;
  fingerprint: string;
  /** `user@realm!id=secret` */
  apiToken: string;
}

/**
 * Our client. `withoutKeyedLock` sends the writes with `lockKey: null` (a caller's opt-out of
 * issue 2's keyed lock), to show what that lock costs next to PVE's own cfs lock.
 */
export function ours(target: Target, withoutKeyedLock = false): Driver {
  const client = new ProxmoxClient({ endpoint: target.endpoint, apiToken: target.apiToken, fingerprint: target.fingerprint });
  const write = withoutKeyedLock ? { lockKey: null } : {};
  return {
    name: withoutKeyedLock ? "ProxmoxClient (ours), keyed lock off" : "ProxmoxClient (ours)",
    createGroup: async (id) => void (await client.post("/access/groups", { groupid: id, comment: "bench" }, write)),
    readGroup: async (id) => void (await client.get(`/access/groups/${id}`)),
    version: async () => void (await client.get("/version")),
    deleteGroup: async (id) => void (await client.delete(`/access/groups/${id}`, undefined, write)),
    close: () => client.close(),
  };
}

/** The floor: node:https with a keep-alive agent, JSON parsed, nothing else. */
export function bareHttps(target: Target): Driver {
  const agent = new Agent({ keepAlive: true, ca: target.caCert });
  const headers = { authorization: `PVEAPIToken=${target.apiToken}`, accept: "application/json" };
  const send = (method: string, path: string, form?: Record<string, string>): Promise<void> =>
    new Promise((resolve, reject) => {
      const body = form ? new URLSearchParams(form).toString() : undefined;
      const req = request(
        {
          host: target.host,
          port: target.port,
          method,
          path: `/api2/json${path}`,
          agent,
          headers:
            body === undefined ? headers : { ...headers, "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => {
            JSON.parse(text);
            if ((res.statusCode ?? 0) >= 300) reject(new Error(`${method} ${path}: ${res.statusCode} ${res.statusMessage}`));
            else resolve();
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  return {
    name: "node:https keep-alive (bare)",
    createGroup: (id) => send("POST", "/access/groups", { groupid: id, comment: "bench" }),
    readGroup: (id) => send("GET", `/access/groups/${id}`),
    version: () => send("GET", "/version"),
    deleteGroup: (id) => send("DELETE", `/access/groups/${id}`),
    close: () => agent.destroy(),
  };
}

type FetchInterface = NonNullable<ProxmoxEngineOptions["fetch"]>;

/** proxmox-api with undici's fetch trusting the simulator's CA (the library lets callers supply fetch). */
export function proxmoxApiDriver(target: Target): Driver {
  const dispatcher = new UndiciAgent({ connect: { ca: target.caCert } });
  const fetch: FetchInterface = (url, init) => undiciFetch(url, { ...init, dispatcher });
  const eq = target.apiToken.lastIndexOf("=");
  const api = proxmoxApi({ host: target.host, port: target.port, tokenID: target.apiToken.slice(0, eq), tokenSecret: target.apiToken.slice(eq + 1), fetch });
  return {
    name: "proxmox-api (npm)",
    createGroup: async (id) => void (await api.access.groups.$post({ groupid: id, comment: "bench" })),
    readGroup: async (id) => void (await api.access.groups.$(id).$get()),
    version: async () => void (await api.version.$get()),
    deleteGroup: async (id) => void (await api.access.groups.$(id).$delete()),
    close: () => dispatcher.close(),
  };
}

/** cv4pve-api-javascript: it uses https' global agent and skips certificate checks itself. */
export function cv4pveDriver(target: Target): Driver {
  const client = new PveClient(target.host, target.port);
  client.apiToken = target.apiToken;
  const check =
    (what: string) =>
    (result: { isSuccessStatusCode: boolean; statusCode: number; reasonPhrase: string }): void => {
      if (!result.isSuccessStatusCode) throw new Error(`${what}: ${result.statusCode} ${result.reasonPhrase}`);
    };
  return {
    name: "cv4pve-api-javascript (npm)",
    createGroup: (id) => client.create("/access/groups", { groupid: id, comment: "bench" }).then(check("create group")),
    readGroup: (id) => client.get(`/access/groups/${id}`).then(check("read group")),
    version: () => client.get("/version").then(check("version")),
    deleteGroup: (id) => client.delete(`/access/groups/${id}`).then(check("delete group")),
    close: () => undefined,
  };
}
