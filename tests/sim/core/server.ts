/**
 * The request pipeline of pveproxy/pvedaemon in PVE's order (pve-http-server
 * `PVE/APIServer/AnyEvent.pm`: `process_header`, `authenticate_and_handle_request`,
 * `handle_api2_request`; pve-manager `PVE/HTTPServer.pm`: `auth_handler`, `rest_handler`):
 * method and transfer encoding, the `/api2/<format>` split, credentials (before routing and before
 * the body), the body's length and type, the formatter, parameter intake, routing, duplicate path
 * parameters, `allowtoken`, permissions, `proxyto` node lookup, worker capacity, schema
 * validation, the handler, the envelope.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HttpMethod, SimAuth, SimContext } from "../types";
import { SimDownload, SimError, SimResult } from "../types";
import type { AccessStore } from "../models/access/store";
import { authenticate, isUnauthenticated } from "./auth";
import type { SimClock } from "./clock";
import { sleep } from "./clock";
import type { FaultAction, FaultInjector } from "./faults";
import { intakeParams, mediaType, mergePathParams } from "./params";
import type { PermissionEngine } from "./permissions";
import { permissionDenied } from "./permissions";
import type { HandlerRegistry } from "./registry";
import { runInScope, spendServiceTime } from "./request-scope";
import { type ApiFormat, isApiFormat, send, sendDownload, sendEarlyError, sendResult } from "./respond";
import { matchRoute, schemaMethod } from "./schema";
import type { TicketSigner } from "./tickets";
import { validateParams } from "./validate";
import type { WorkerPools } from "./workers";

const KNOWN_METHODS = new Set(["GET", "POST", "PUT", "DELETE"]);
const MAX_BODY = 512 * 1024;

/** Everything the pipeline needs. */
export interface PipelineDeps {
  readonly nodes: readonly string[];
  readonly clock: SimClock;
  readonly store: AccessStore;
  readonly signer: TicketSigner;
  readonly perms: PermissionEngine;
  readonly registry: HandlerRegistry;
  readonly workers: WorkerPools;
  readonly faults: FaultInjector;
  readonly ctx: SimContext;
  readonly latencyMs: number;
  /** How long each request holds its worker before the handler runs (PVE's handler time); 0 = none. */
  readonly serviceMs: number;
  readonly authFailureDelayMs: number;
  /** pveproxy's 30 s proxy inactivity timeout → 596. */
  readonly syncTimeoutMs: number;
  readonly record: (entry: { method: string; path: string; status: number }) => void;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Unescapes the path like `uri_unescape`, keeping undecodable input as it is. */
function unescapePath(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

/** Handles one HTTP request. */
export async function handleRequest(deps: PipelineDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", "https://sim.invalid");
  let relPath = "";
  res.on("finish", () => deps.record({ method, path: relPath, status: res.statusCode }));
  // process_header: an unknown method gets a bare response, no body.
  if (!KNOWN_METHODS.has(method)) return send(res, 501, `method '${method}' not available`);
  const te = req.headers["transfer-encoding"];
  if (te) return sendEarlyError(res, 501, te.toLowerCase() === "chunked" ? "chunked transfer encoding not supported" : `Unknown transfer encoding '${te}'`);
  const path = unescapePath(url.pathname);
  // Outside /api2 PVE serves only its GUI pages and files: anything else is "no such file".
  if (!/^\/api2(\/|$)/.test(path)) return sendEarlyError(res, 500, `no such file '${path}'\n`);
  const split = /^\/api2\/+([a-z][a-z0-9]+)(\/.*)?$/.exec(path);
  if (!split?.[1]) return sendEarlyError(res, 501, "no such uri");
  const format = split[1];
  relPath = (split[2] ?? "/").replace(/\/+$/, "") || "/";

  const faults = deps.faults.decide(method, relPath);
  const latency = deps.latencyMs + faults.reduce((sum, f) => sum + (f.type === "latency" ? f.ms : 0), 0);
  if (latency > 0) await sleep(latency);
  if (faults.some((f) => f.type === "drop")) return void req.socket.destroy();
  const early = faults.find((f): f is Extract<FaultAction, { type: "status" }> => f.type === "status" && !f.afterHandling);
  if (early) return send(res, early.status, early.message ?? defaultFaultMessage(early.status));

  // auth_handler runs on the headers alone, before the body is even read.
  let auth: SimAuth = { userid: "", via: "none" };
  if (!isUnauthenticated(method, relPath)) {
    const result = authenticate(
      { method, headers: req.headers, nowMs: deps.clock.now(), forceTicketExpiry: faults.some((f) => f.type === "ticket-expiry") },
      deps.store,
      deps.signer,
    );
    if ("failure" in result) {
      // 401s from auth_handler carry no body and are delayed (3 s on PVE).
      await sleep(deps.authFailureDelayMs);
      return send(res, 401, result.failure);
    }
    auth = result.auth;
  }

  const length = Number(req.headers["content-length"] ?? 0);
  const contentType = req.headers["content-type"];
  if (length > 0) {
    if (method !== "PUT" && method !== "POST") return sendEarlyError(res, 501, `Unexpected content for method '${method}'`);
    if (length > MAX_BODY) return sendEarlyError(res, 501, "for data too large");
    const ct = mediaType(contentType);
    if (ct && ct !== "application/x-www-form-urlencoded" && ct !== "application/json") {
      return sendEarlyError(res, 506, `upload 'Content-Type '${contentType}' not implemented`);
    }
  }
  const body = await readBody(req);
  // PVE also registers `spiceconfig`, `png` and `html`; the simulator serves the API formats only.
  if (!isApiFormat(format)) return sendEarlyError(res, 501, `no formatter for uri ${relPath}, ${format}`);
  let params: Record<string, unknown>;
  try {
    params = intakeParams(method, url.search.slice(1), body, contentType);
  } catch (err) {
    return sendEarlyError(res, 500, err instanceof Error ? err.message : String(err));
  }

  const late = faults.find((f): f is Extract<FaultAction, { type: "status" }> => f.type === "status" && Boolean(f.afterHandling));
  try {
    const outcome = await route(deps, { method: method as HttpMethod, relPath, params, auth, faults });
    if (late) return send(res, late.status, late.message ?? defaultFaultMessage(late.status));
    if (outcome === TIMED_OUT) return send(res, 596, "Connection timed out");
    if (outcome instanceof SimDownload) return sendDownload(res, { content: outcome.content, contentType: outcome.contentType, ...outcome.options });
    if (outcome instanceof SimResult) return sendResult(res, format, { status: 200, data: outcome.data, ...outcome.extras });
    return sendResult(res, format, { status: 200, data: outcome });
  } catch (err) {
    if (late) return send(res, late.status, late.message ?? defaultFaultMessage(late.status));
    if (err instanceof SimError) {
      if (err.status === 401) await sleep(deps.authFailureDelayMs);
      return sendResult(res, format, { status: err.status, message: err.message, ...(err.errors ? { errors: err.errors } : {}) });
    }
    const message = err instanceof Error ? err.message : String(err);
    return sendResult(res, format as ApiFormat, { status: 500, message });
  }
}

function defaultFaultMessage(status: number): string {
  return status === 595 ? "No route to host" : status === 596 ? "Connection timed out" : "Internal Server Error";
}

const TIMED_OUT = Symbol("596");

interface RouteInput {
  readonly method: HttpMethod;
  readonly relPath: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly auth: SimAuth;
  readonly faults: FaultAction[];
}

/** `rest_handler`: find the handler, check, resolve proxyto, take a worker, validate, run. */
async function route(deps: PipelineDeps, input: RouteInput): Promise<unknown> {
  const { method, relPath, auth } = input;
  const match = matchRoute(relPath);
  const def = match && schemaMethod(method, match.template);
  const handler = match && def && deps.registry.get(method, match.template);
  if (!match || !def || !handler) throw new SimError(501, `Method '${method} ${relPath}' not implemented`);
  const raw = mergePathParams(input.params, match.pathParams);
  if (auth.via === "token" && def.allowtoken === false) {
    throw permissionDenied(`URI '${relPath}' not available with API token, need proper ticket.`);
  }
  if (auth.via !== "none") deps.perms.checkMethod(def, auth.tokenid ? `${auth.userid}!${auth.tokenid}` : auth.userid, raw);
  let node = deps.nodes[0] ?? "localhost";
  if (def.proxyto) {
    const target = raw[def.proxyto];
    // resolve_proxyto: `if !$node`, so an empty value (or "0") counts as missing.
    if (target === undefined || target === "" || target === "0")
      throw new SimError(400, "Parameter verification failed.\n", { [def.proxyto]: "proxyto parameter does not exist" });
    const name = String(target);
    if (name !== "localhost" && !deps.nodes.includes(name)) {
      throw new SimError(500, `hostname lookup '${name}' failed - failed to get address info for: ${name}: Name or service not known\n`);
    }
    if (name !== "localhost") node = name;
  }
  const release = await deps.workers.acquire(node, Boolean(def.protected));
  const run = async (): Promise<unknown> => {
    try {
      const params = validateParams(def.parameters ?? {}, raw, Boolean(def.additionalParameters));
      return await runInScope({ faults: input.faults, serviceMs: deps.serviceMs }, async () => {
        const result = await handler({ method, template: match.template, path: relPath, params, auth }, deps.ctx);
        await spendServiceTime(); // unless a lock already spent it
        return result;
      });
    } finally {
      release();
    }
  };
  const work = run();
  // Only calls that pveproxy forwards (protected ones, or to another node) can hit its 30 s proxy timeout.
  if (!def.protected && node === deps.nodes[0]) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), deps.syncTimeoutMs)));
  try {
    const outcome = await Promise.race([work, timeout]);
    if (outcome === TIMED_OUT) work.catch(() => undefined);
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}
