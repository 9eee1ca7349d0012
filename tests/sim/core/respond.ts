/**
 * Writing responses as pve-http-server does: `AnyEvent.pm::response` (PVE's headers, the reason
 * phrase from the message's first line, `Connection: close` on every status >= 400),
 * `AnyEvent.pm::error` (plain-text errors raised outside the API handler), `send_file_start`
 * (streamed downloads) and `Formatter/Standard.pm::prepare_response_data` (the `json`, `extjs`
 * and `htmljs` envelopes).
 */
import type { ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";

/** HTTP::Status's reason phrases for the statuses PVE falls back to. */
const STATUS_MESSAGES: Readonly<Record<number, string>> = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  500: "Internal Server Error",
  501: "Not Implemented",
};

/** The formats whose envelope the simulator serves (`register_formatter` of Standard.pm). */
export type ApiFormat = "json" | "extjs" | "htmljs";

/** True when `format` is one the simulator formats. */
export function isApiFormat(format: string): format is ApiFormat {
  return format === "json" || format === "extjs" || format === "htmljs";
}

/** Sends a complete response; `body` undefined sends an empty body. */
export function send(
  res: ServerResponse,
  status: number,
  message: string,
  body?: string | Buffer,
  contentType = "application/json;charset=UTF-8",
  extraHeaders: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  // `m/^(.*)$/m` keeps the first line; a CR left in it makes PVE answer 400 with no content.
  let first = /^(.*)$/m.exec(message)?.[1] ?? "";
  if (/\r/.test(first)) {
    status = 400;
    first = STATUS_MESSAGES[400] ?? "Bad Request";
    body = undefined;
  }
  const headers: Record<string, string | number> = {
    Server: "pve-api-daemon/3.0",
    "Cache-Control": "max-age=0",
    Pragma: "no-cache",
    Expires: new Date().toUTCString(),
    Date: new Date().toUTCString(),
    "Content-Length": body === undefined ? 0 : Buffer.byteLength(body),
    ...extraHeaders,
  };
  if (body !== undefined && contentType !== "") headers["Content-Type"] = contentType;
  if (status >= 400) headers["Connection"] = "close";
  res.shouldKeepAlive = status < 400 && res.shouldKeepAlive;
  // Node refuses control characters in a status line (PVE's Perl would send them).
  res.writeHead(status, first.replace(/[^\x20-\x7e\u00a0-\u00ff]/g, "?"), headers);
  res.end(body);
}

/** What a handler produced, before formatting: PVE's `$res` of `rest_handler`. */
export interface ApiResult {
  readonly status: number;
  readonly message?: string;
  readonly data?: unknown;
  readonly errors?: Readonly<Record<string, string>>;
  readonly total?: number;
  readonly changes?: string;
}

/** HTML::Entities::encode_entities with its default unsafe set (all but printable ASCII and \n\r\t, minus `"&'<>`). */
function encodeEntities(text: string): string {
  const named: Readonly<Record<string, string>> = { '"': "&quot;", "&": "&amp;", "'": "&#39;", "<": "&lt;", ">": "&gt;" };
  return text.replace(/["&'<>]|[^\n\r\t\x20-\x7e]/gu, (c) => named[c] ?? `&#x${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()};`);
}

/** `prepare_response_data` + the formatter: status, reason, body and content type to send. */
function formatResult(format: ApiFormat, result: ApiResult): { status: number; message: string; body: string; contentType: string } {
  let status = result.status;
  let message = result.message ?? "";
  const isError = status >= 400;
  let success = 1;
  const envelope: Record<string, unknown> = { data: result.data === undefined ? null : result.data };
  if (result.errors && Object.keys(result.errors).length > 0) {
    success = 0;
    envelope["errors"] = result.errors;
  }
  if (format === "json") {
    if (isError) envelope["message"] = message || (STATUS_MESSAGES[status] ?? "");
  } else {
    // ExtJS wants `success` and the real status inside a 200.
    if (isError) {
      success = 0;
      envelope["message"] = message || (STATUS_MESSAGES[status] ?? "");
      envelope["status"] = status || 200;
      message = "";
      status = 200;
    }
    envelope["success"] = success;
  }
  if (success && result.total) envelope["total"] = result.total;
  if (success && result.changes) envelope["changes"] = result.changes;
  const json = JSON.stringify(envelope);
  if (format === "htmljs") return { status, message: message || "OK", body: encodeEntities(json), contentType: "text/html;charset=UTF-8" };
  return { status, message: message || "OK", body: json, contentType: "application/json;charset=UTF-8" };
}

/** Sends an API result in `format`'s envelope (200 `{data}` or an error with `message`). */
export function sendResult(res: ServerResponse, format: ApiFormat, result: ApiResult): void {
  const out = formatResult(format, result);
  send(res, out.status, out.message, out.body, out.contentType);
}

/** An error raised outside the API handler (`AnyEvent.pm::error`): the message as text, no content type. */
export function sendEarlyError(res: ServerResponse, status: number, message: string): void {
  send(res, status, message, message, "");
}

/** A file a handler hands back for download (`{download => {...}}`, streamed like `send_file_start`). */
export interface Download {
  readonly content: string;
  readonly contentType: string;
  readonly disposition?: string;
  /** Compress with gzip (PVE does for task logs over 1024 bytes). */
  readonly gzip?: boolean;
}

/** `send_file_start` for a streamed download: 200 OK, the file's headers, no envelope. */
export function sendDownload(res: ServerResponse, download: Download): void {
  const body = download.gzip ? gzipSync(download.content) : Buffer.from(download.content, "utf8");
  const headers: Record<string, string> = {};
  if (download.gzip) headers["Content-Encoding"] = "gzip";
  if (download.disposition) headers["Content-Disposition"] = download.disposition;
  send(res, 200, "OK", body, download.contentType, headers);
}
