/**
 * One configured got instance per client (prefix URL, agent, timeout, retry policy) and the
 * translation of every got outcome into data or a {@link PveApiError}.
 */
import got, { type Got, HTTPError, RequestError } from "got";
import { z } from "zod";
import { classify } from "./classify";
import { unwrapRethrown } from "./rethrown";
import { PveApiError, type HttpMethod } from "./errors";
import { encodeBody, formEncode, type PveParams } from "./encode";
import { secretParamValues, withExtraSecrets, type Redactor } from "./redact";
import { retryDelay, shouldRetry } from "./retry";
import { safeServerText } from "./sanitize";
import type { PveAgent } from "./tls";

/**
 * A successful response is `{data, ...}` (plus `total`/`changes` on some endpoints). This check
 * runs on every response, so it is a plain shape test instead of a zod parse: the schema had no
 * constraint beyond "an object with a `data` key", and `data` itself is validated by the caller.
 */
function isSuccessEnvelope(body: unknown): body is { data: unknown } {
  return typeof body === "object" && body !== null && !Array.isArray(body) && "data" in body;
}

/** An error body: `{data:null, errors?, message?}` (message only from PVE 8.3 on). */
const ErrorEnvelope = z.looseObject({
  message: z.string().optional(),
  errors: z.record(z.string(), z.unknown()).nullish(),
});

/** One request as the transport sends it. `path` is already encoded, without a leading slash. */
export interface WireRequest {
  method: HttpMethod;
  /** The path as the caller gave it, for messages. */
  path: string;
  encodedPath: string;
  params?: PveParams | undefined;
  headers: Record<string, string>;
  idempotent: boolean;
  signal?: AbortSignal | undefined;
  /** More values this request's errors and log lines must not show (with their derived forms). */
  secrets?: readonly string[] | undefined;
}

/** Settings of a {@link Transport}. */
export interface TransportSettings {
  baseUrl: string;
  agent: PveAgent;
  timeoutMs: number;
  retries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  redact: Redactor;
  log: (line: string) => void;
  /** Whether `log` goes anywhere: when not, lines are not even built (redaction is not free). */
  logging: boolean;
  /** A response body (after decompression) past this many bytes is aborted while it streams. */
  maxResponseBytes: number;
}

interface RequestContext extends Record<string, unknown> {
  method: HttpMethod;
  path: string;
  idempotent: boolean;
  /** This request's redactor (client secrets plus its secret parameters). */
  redact: Redactor;
}

interface Facts {
  status?: number;
  code?: string;
  message: string;
  errors?: Record<string, string>;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * What a got error tells about the failure: status, PVE's message, per-field errors, or a code.
 * The texts are the server's, raw (even a TLS error quotes the certificate's names): whoever
 * shows them passes them through `safeServerText`.
 */
function factsOf(error: RequestError): Facts {
  // A response that broke while being read is a network failure, not an HTTP status.
  if (!(error instanceof HTTPError)) return { code: error.code, message: error.message };
  const response = error.response;
  const text = typeof response.body === "string" ? response.body : "";
  const parsed = ErrorEnvelope.safeParse(parseJson(text));
  const envelope = parsed.success ? parsed.data : undefined;
  // PVE ≥ 8.3 puts the message in JSON; older PVE only in the reason phrase; pre-routing errors as text.
  const message = envelope?.message ?? response.statusMessage ?? (envelope ? "" : text);
  const facts: Facts = { status: response.statusCode, message: message.trim() };
  if (envelope?.errors) {
    facts.errors = Object.fromEntries(Object.entries(envelope.errors).map(([k, v]) => [k, String(v).trim()]));
  } else if (facts.status === 500) {
    // A parameter error re-raised as text under a cluster-file lock still says which fields failed.
    const errors = unwrapRethrown(facts.message)?.errors;
    if (errors) facts.errors = { ...errors };
  }
  return facts;
}

/** Builds the error a person can act on: `<METHOD> <path>: <PVE message>` plus per-field errors. */
function toPveError(error: unknown, request: Pick<WireRequest, "method" | "path">, redact: Redactor): PveApiError {
  if (error instanceof PveApiError) return error;
  const facts: Facts =
    error instanceof RequestError
      ? factsOf(error)
      : error instanceof Error && error.name === "AbortError" // p-queue rejects a queued task with the signal's reason
        ? { code: "ERR_ABORTED", message: error.message }
        : { message: error instanceof Error ? error.message : String(error) };
  const kind = classify(facts);
  const { method, path } = request;
  const safe = (text: string): string => safeServerText(text, redact).trim();
  // Per-field errors recovered from the text are listed once, below its first line.
  const recovered = facts.errors !== undefined && facts.status === 500;
  let text = safe(recovered ? (facts.message.split("\n")[0] ?? "") : facts.message) || `HTTP ${facts.status ?? "error"}`;
  if (facts.status === 501) text = `the connected Proxmox VE does not implement ${method} ${path} (${text})`;
  if (kind === "timeout" && facts.code === "ERR_ABORTED") text = `aborted (${text})`;
  const errors = facts.errors && Object.fromEntries(Object.entries(facts.errors).map(([k, v]) => [safe(k), safe(v)]));
  const fieldLines = Object.entries(errors ?? {}).map(([k, v]) => `\n  ${k}: ${v}`);
  const cause = Object.assign(new Error(safe(error instanceof Error ? error.message : String(error))), {
    code: facts.code,
  });
  return new PveApiError({
    kind,
    message: redact(`${method} ${path}: ${text}${fieldLines.join("")}`),
    method,
    path,
    ...(facts.status !== undefined ? { status: facts.status } : {}),
    ...(errors ? { errors } : {}),
    ...(facts.message ? { pveMessage: safe(facts.message) } : {}),
    retryable: shouldRetry({ method, kind, status: facts.status, code: facts.code, idempotent: false }),
    ...(error instanceof RequestError && (error.request?.retryCount ?? 0) > 0 ? { retried: true } : {}),
    cause,
  });
}

/** Sends requests and returns the unwrapped `data`, or throws a {@link PveApiError}. */
export class Transport {
  readonly #got: Got;
  readonly #settings: TransportSettings;

  constructor(settings: TransportSettings) {
    this.#settings = settings;
    const { log } = settings;
    this.#got = got.extend({
      prefixUrl: settings.baseUrl,
      agent: { https: settings.agent },
      timeout: { request: settings.timeoutMs },
      responseType: "text",
      followRedirect: false,
      headers: { "user-agent": "naas-pulumi-proxmox", accept: "application/json" },
      retry: {
        limit: settings.retries,
        methods: ["GET", "POST", "PUT", "DELETE"],
        // Only the candidates; shouldRetry() decides per method, message and idempotency.
        statusCodes: [500, 502, 503, 504, 595, 596, 597, 599],
        errorCodes: ["ETIMEDOUT", "ECONNRESET", "EPIPE", "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED"],
        calculateDelay: ({ attemptCount, error }) => {
          const context = error.options.context as RequestContext;
          const facts = factsOf(error);
          const kind = classify(facts);
          if (!shouldRetry({ ...context, kind, status: facts.status, code: facts.code })) return 0;
          const delay = retryDelay(attemptCount, settings.retryBaseDelayMs, settings.retryMaxDelayMs);
          log(
            context.redact(
              `retry ${attemptCount}/${settings.retries} ${context.method} ${context.path} in ${delay} ms: ${kind} ${facts.status ?? facts.code ?? ""} ${safeServerText(facts.message, context.redact)}`,
            ),
          );
          return delay;
        },
      },
    });
  }

  /** Sends one request; resolves to `data` of PVE's `{data: ...}` envelope. */
  async send<T>(request: WireRequest): Promise<T> {
    const { method, path } = request;
    // Built on first use (an error or a log line): most requests never redact anything.
    let requestRedact: Redactor | undefined;
    const redact: Redactor = (text) =>
      (requestRedact ??= withExtraSecrets(this.#settings.redact, [...secretParamValues(request.params, path), ...(request.secrets ?? [])]))(text);
    const isBodyMethod = method === "POST" || method === "PUT";
    const query = isBodyMethod ? "" : formEncode(request.params);
    const payload = isBodyMethod ? encodeBody(request.params) : undefined;
    // GET/DELETE: parameters only in the query; a body there is a 501 on PVE.
    const url = query !== "" ? `${request.encodedPath}?${query}` : request.encodedPath;
    const context: RequestContext = { method, path, idempotent: request.idempotent || method !== "POST", redact };
    if (this.#settings.logging) this.#settings.log(redact(`${method} ${path}`));
    const limit = this.#settings.maxResponseBytes;
    // Aborts the download once the body outgrows the limit (or announces that it will).
    const guard = new AbortController();
    let text: string;
    try {
      const pending = this.#got(url, {
        method,
        headers: payload ? { ...request.headers, "content-type": payload.contentType } : request.headers,
        ...(payload ? { body: payload.body } : {}),
        signal: request.signal ? AbortSignal.any([request.signal, guard.signal]) : guard.signal,
        context,
      });
      // `on` returns the same request promise, awaited just below.
      void pending.on("downloadProgress", ({ transferred, total }) => {
        if (transferred > limit || (total !== undefined && total > limit)) guard.abort();
      });
      text = (await pending).body;
    } catch (error) {
      const pveError = guard.signal.aborted
        ? new PveApiError({
            kind: "server",
            method,
            path,
            message: `${method} ${path}: the response is larger than ${limit} bytes (maxResponseBytes); aborted while reading it`,
          })
        : toPveError(error, request, redact);
      if (this.#settings.logging) this.#settings.log(pveError.message);
      throw pveError;
    }
    const body = parseJson(text);
    if (!isSuccessEnvelope(body)) {
      throw new PveApiError({ kind: "server", method, path, status: 200, message: `${method} ${path}: response is not a PVE JSON envelope ({"data": ...})` });
    }
    return body.data as T;
  }
}

export { toPveError };
