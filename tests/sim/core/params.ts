/**
 * Parameter intake (`extract_params`, `decode_urlencoded`): GET/DELETE read the query only;
 * POST/PUT read a form or JSON body and the query, the query winning; `_dc` is dropped;
 * path parameters are merged with PVE's duplicate check.
 */
import { SimError } from "../types";

/** `decode_urlencoded`: `&` or `;` separate pairs, `+` is a space, repeated keys become arrays. */
export function decodeUrlencoded(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const pair of text.split(/[&;]/)) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const decode = (s: string): string => {
      try {
        return decodeURIComponent(s.replace(/\+/g, " "));
      } catch {
        return s;
      }
    };
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? "" : decode(pair.slice(eq + 1));
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/** Parses the body by content type; a JSON body that is not an object counts as empty. */
function parseBody(body: string, contentType: string | undefined): Record<string, unknown> {
  if (body === "") return {};
  if (contentType?.startsWith("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new SimError(400, `malformed JSON string\n`);
    }
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  }
  return decodeUrlencoded(body);
}

/** Collects the request parameters before validation. */
export function collectParams(
  method: string,
  query: string,
  body: string,
  contentType: string | undefined,
  pathParams: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const fromQuery = decodeUrlencoded(query);
  const params: Record<string, unknown> = method === "POST" || method === "PUT" ? { ...parseBody(body, contentType), ...fromQuery } : fromQuery;
  delete params["_dc"];
  for (const [name, value] of Object.entries(pathParams)) {
    const given = params[name];
    if (given !== undefined && String(given) !== value) {
      throw new SimError(400, "Parameter verification failed.\n", { [name]: "duplicate parameter (already defined in URI) with conflicting values!" });
    }
    params[name] = value;
  }
  return params;
}
