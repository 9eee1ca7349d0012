/**
 * Writing responses as `AnyEvent.pm::response` does: PVE's headers, the reason phrase from
 * the message's first line, `Connection: close` on every status >= 400.
 */
import type { ServerResponse } from "node:http";

/** The first line of a message, made safe for a status line. */
export function reasonPhrase(message: string): string {
  const first = /^(.*)$/m.exec(message)?.[1] ?? "";
  // Node refuses control characters in the status line; PVE would fall back to 400 for a CR.
  return first.replace(/[^\x20-\x7e\u00a0-\u00ff]/g, "?");
}

/** Sends a complete response; `body` undefined sends an empty body. */
export function send(res: ServerResponse, status: number, message: string, body?: string, contentType = "application/json;charset=UTF-8"): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | number> = {
    Server: "pve-api-daemon/3.0",
    "Cache-Control": "max-age=0",
    Pragma: "no-cache",
    Expires: new Date().toUTCString(),
    Date: new Date().toUTCString(),
    "Content-Length": body === undefined ? 0 : Buffer.byteLength(body),
  };
  if (body !== undefined && contentType !== "") headers["Content-Type"] = contentType;
  if (status >= 400) headers["Connection"] = "close";
  res.shouldKeepAlive = status < 400 && res.shouldKeepAlive;
  res.writeHead(status, reasonPhrase(message), headers);
  res.end(body);
}

/** 200 with `{data, total?, changes?}` (extras only when truthy). */
export function sendData(res: ServerResponse, data: unknown, extras: { total?: number; changes?: string } = {}): void {
  const envelope: Record<string, unknown> = { data: data === undefined ? null : data };
  if (extras.total) envelope["total"] = extras.total;
  if (extras.changes) envelope["changes"] = extras.changes;
  send(res, 200, "OK", JSON.stringify(envelope));
}

/** An API error: `{data:null, errors?, message}` with the message's first line as reason. */
export function sendError(res: ServerResponse, status: number, message: string, errors?: Readonly<Record<string, string>>): void {
  const body: Record<string, unknown> = { data: null };
  if (errors) body["errors"] = errors;
  body["message"] = message;
  send(res, status, message, JSON.stringify(body));
}

/** An error raised before routing (`AnyEvent.pm::error`): the message as text, no content type. */
export function sendEarlyError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent || res.destroyed) return;
  send(res, status, message, message, "");
}
