/**
 * Parameter and path encoding the way PVE decodes it (`decode_urlencoded`, RESTHandler):
 * booleans are 0/1, lists are comma-joined, absent values are not sent, and every component is
 * percent-encoded (so a base64 ticket's "+" arrives as "+", not as a space).
 */
import { PveApiError } from "./errors";

/** One parameter value. Lists are joined with "," (PVE's `-list` formats); null/undefined are not sent. */
export type PveParamValue = string | number | boolean | readonly (string | number)[] | null | undefined;

/** Request parameters, by PVE name. */
export type PveParams = Readonly<Record<string, PveParamValue>>;

function invalid(message: string): PveApiError {
  return new PveApiError({ kind: "validation", message });
}

function encodeNumber(name: string, value: number): string {
  if (!Number.isFinite(value)) throw invalid(`parameter '${name}': ${String(value)} is not a finite number`);
  return String(value);
}

/** Turns parameters into the [name, value] pairs PVE expects, dropping absent values. */
export function encodeParams(params: PveParams | undefined): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value === null || value === undefined) continue;
    if (typeof value === "boolean") pairs.push([name, value ? "1" : "0"]);
    else if (typeof value === "number") pairs.push([name, encodeNumber(name, value)]);
    else if (typeof value === "string") pairs.push([name, value]);
    else if (Array.isArray(value)) {
      // An empty list has nothing to say; sending "" could mean "clear" to some endpoints.
      if (value.length === 0) continue;
      const items = (value as readonly (string | number)[]).map((item) => (typeof item === "number" ? encodeNumber(name, item) : item));
      pairs.push([name, items.join(",")]);
    } else throw invalid(`parameter '${name}': unsupported value type ${typeof value}`);
  }
  return pairs;
}

/**
 * The body of a POST/PUT. A form, unless a value is empty: PVE's `decode_urlencoded` splits a
 * pair with Perl's `split`, which drops the empty field, so `comment=` arrives as no value at all
 * and the handler leaves the option as it was. Only a JSON body carries an empty string (how an
 * `-opt` option such as a user's email is cleared). Values are the same strings either way.
 */
export function encodeBody(params: PveParams | undefined): { contentType: string; body: string } {
  const pairs = encodeParams(params);
  if (pairs.some(([, value]) => value === "")) return { contentType: "application/json", body: JSON.stringify(Object.fromEntries(pairs)) };
  return { contentType: "application/x-www-form-urlencoded", body: formEncode(params) };
}

/** `a=1&b=x%2By`: used both for query strings (GET/DELETE) and form bodies (POST/PUT). */
export function formEncode(params: PveParams | undefined): string {
  return encodeParams(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join("&");
}

/**
 * Encodes an API path relative to `/api2/json`, one segment at a time: UPIDs carry ':', user ids
 * '@' and '!'. Pass raw values (`/access/users/ci@pve`), not pre-encoded ones.
 * Returns the path without its leading slash, ready to append to the API base URL.
 */
export function encodePath(path: string): string {
  if (!path.startsWith("/")) throw invalid(`path '${path}' must start with '/' (it is relative to /api2/json)`);
  if (path.includes("?") || path.includes("#")) throw invalid(`path '${path}' must not contain a query; pass parameters instead`);
  const segments = path.slice(1).split("/");
  if (segments.some((s) => s === "." || s === "..")) throw invalid(`path '${path}' must not contain '.' or '..' segments`);
  return segments.map((s) => encodeURIComponent(s)).join("/");
}
