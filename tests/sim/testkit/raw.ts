/**
 * A raw HTTPS client for the simulator's tests: node:https with the simulator's CA and no
 * connection reuse, so nothing of ours hides what the server sends.
 */
import { request } from "node:https";
import type { IncomingHttpHeaders } from "node:http";
import type { Simulator } from "../index";

/** A response as it came off the wire. */
export interface RawReply {
  readonly status: number;
  readonly reason: string;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The parsed JSON body (undefined when the body is not JSON). */
  readonly json: { data?: unknown; errors?: Record<string, string>; message?: string; total?: number } | undefined;
}

/** Credentials to send. */
export type Credentials = { token: string } | { ticket: string; csrf?: string } | undefined;

/** Options of {@link raw}. */
export interface RawOptions {
  /** Query parameters (appended to the path). */
  query?: Record<string, string | number | readonly string[]>;
  /** Form body (POST/PUT); arrays repeat the key. */
  form?: Record<string, string | number | readonly string[]>;
  /** JSON body. */
  json?: unknown;
  /** A body sent as it is. */
  body?: string;
  headers?: Record<string, string | number>;
  auth?: Credentials;
  /** The full path instead of `/api2/json` + path. */
  absolute?: boolean;
}

function encode(params: Record<string, string | number | readonly string[]>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    for (const item of Array.isArray(v) ? v : [v]) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(item))}`);
  }
  return parts.join("&");
}

/** Sends one request and collects the whole response. */
export function raw(sim: Simulator, method: string, path: string, options: RawOptions = {}): Promise<RawReply> {
  const query = options.query ? `?${encode(options.query)}` : "";
  const url = `${sim.endpoint}${options.absolute ? "" : "/api2/json"}${path}${query}`;
  const headers: Record<string, string | number> = { ...options.headers };
  let body = options.body;
  if (options.form) {
    body = encode(options.form);
    headers["Content-Type"] ??= "application/x-www-form-urlencoded";
  } else if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["Content-Type"] ??= "application/json";
  }
  if (body !== undefined && headers["Transfer-Encoding"] === undefined) headers["Content-Length"] = Buffer.byteLength(body);
  const auth = options.auth;
  if (auth && "token" in auth) headers["Authorization"] = `PVEAPIToken=${auth.token}`;
  if (auth && "ticket" in auth) {
    headers["Cookie"] = `PVEAuthCookie=${encodeURIComponent(auth.ticket)}`;
    if (auth.csrf) headers["CSRFPreventionToken"] = auth.csrf;
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca: sim.caCert, agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: RawReply["json"];
        try {
          json = text ? (JSON.parse(text) as RawReply["json"]) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? "", headers: res.headers, text, json });
      });
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Logs in with a password; returns ticket and CSRF token. */
export async function login(sim: Simulator, username: string, password: string): Promise<{ ticket: string; csrf: string }> {
  const reply = await raw(sim, "POST", "/access/ticket", { form: { username, password } });
  const data = reply.json?.data as { ticket?: string; CSRFPreventionToken?: string } | undefined;
  if (reply.status !== 200 || !data?.ticket || !data.CSRFPreventionToken) throw new Error(`login ${username} failed: ${reply.status} ${reply.reason}`);
  return { ticket: data.ticket, csrf: data.CSRFPreventionToken };
}

/** Polls a task's status until it stops; returns its exitstatus. */
export async function waitTask(sim: Simulator, auth: Credentials, upid: string): Promise<string> {
  const node = upid.split(":")[1] ?? "";
  for (let i = 0; i < 400; i++) {
    const r = await raw(sim, "GET", `/nodes/${node}/tasks/${encodeURIComponent(upid)}/status`, { auth });
    const data = r.json?.data as { status?: string; exitstatus?: string } | undefined;
    if (data?.status === "stopped") return data.exitstatus ?? "";
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`task ${upid} did not stop`);
}

/** The token every test simulator is seeded with. */
export const TEST_TOKEN = "root@pam!test=6f1e5e0c-0b55-4f3a-9d6b-2f8f3c3f9a10";
