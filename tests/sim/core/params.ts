/**
 * Parameter intake as pve-http-server `PVE/APIServer/AnyEvent.pm` (`decode_urlencoded`,
 * `extract_params`, `handle_api2_request`) and pve-manager `PVE/HTTPServer.pm` (`rest_handler`'s
 * duplicate check) do it: GET/DELETE read the query only; POST/PUT read a form or JSON body and
 * the query, the query winning; `_dc` is dropped; path parameters are merged with PVE's duplicate
 * check. Perl's `split` shapes what a value is: `k=` and `k` carry no value (undef, which the
 * validator treats as absent), `k=a=b` keeps only `a`.
 */
import { SimError } from "../types";

/** Perl's `s/%([0-9a-fA-F][0-9a-fA-F])/chr(hex($1))/eg`: valid escapes decode, others stay. */
function percentDecode(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === "%" && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i] ?? "", "utf8"));
    }
  }
  return Buffer.from(bytes);
}

/** Perl's `split(/re/, $s)`: trailing empty fields are dropped (leading ones kept). */
export function perlSplit(text: string, separator: RegExp): string[] {
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/**
 * `decode_urlencoded`: `&` or `;` separate pairs, `+` is a space, a repeated key becomes an array.
 * A key without a value maps to `undefined` (Perl's undef), which also replaces an earlier value.
 */
export function decodeUrlencoded(text: string): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const pair of perlSplit(text, /[&;]/)) {
    const [rawKey = "", rawValue] = perlSplit(pair, /=/);
    // The key is not UTF-8 decoded (PVE decodes only values); keys are ASCII in practice.
    const key = percentDecode(rawKey.replace(/\+/g, " ")).toString("latin1");
    if (rawValue === undefined) {
      out[key] = undefined;
      continue;
    }
    const value = percentDecode(rawValue.replace(/\+/g, " ")).toString("utf8");
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/** `parse_content_type`: the media type before the first `;` or `,`. */
export function mediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  return contentType.split(/\s*[;,]\s*/)[0];
}

/**
 * `decode_json` of a JSON body. PVE dies outside the API handler, so a broken or non-object body
 * is a 500 with the Perl error as plain text (`AnyEvent.pm::error`), not an API envelope.
 */
function parseJsonBody(body: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    // JSON::XS words this with the offset and the text it stopped at; the prefix is fixed.
    throw new SimError(
      500,
      `malformed JSON string, neither tag, array, object, number, string or atom, at character offset 0 (before "${body.slice(0, 20)}")\n`,
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new SimError(500, `Not a HASH reference at /usr/share/perl5/PVE/APIServer/AnyEvent.pm line 940.\n`);
  }
  // JSON null is Perl's undef: present, but no value.
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v === null ? undefined : v]));
}

/**
 * `extract_params` and the `_dc` removal of `handle_api2_request`, before any routing. Keys may map
 * to `undefined` (no value); the validator treats those as absent, except that unknown keys and
 * `requires` still count. Throws PVE's plain-text 500 for a body `decode_json` cannot use.
 */
export function intakeParams(method: string, query: string, body: string, contentType: string | undefined): Record<string, unknown> {
  let params: Record<string, unknown> = {};
  if (method === "POST" || method === "PUT") {
    // PVE decodes a JSON body even when it is empty, and dies on it.
    params = mediaType(contentType) === "application/json" ? parseJsonBody(body) : decodeUrlencoded(body);
  }
  Object.assign(params, decodeUrlencoded(query));
  delete params["_dc"];
  return params;
}

/**
 * `rest_handler`: a parameter that repeats a path parameter must have its value (undef compares as
 * ''), checked in sorted order; then the request's values win.
 */
export function mergePathParams(params: Readonly<Record<string, unknown>>, pathParams: Readonly<Record<string, string>>): Record<string, unknown> {
  for (const name of Object.keys(params).sort()) {
    const fromPath = pathParams[name];
    if (fromPath === undefined) continue;
    const given = params[name];
    if ((given === undefined ? "" : String(given)) !== fromPath) {
      throw new SimError(400, "Parameter verification failed.\n", { [name]: "duplicate parameter (already defined in URI) with conflicting values!" });
    }
  }
  return { ...pathParams, ...params };
}
