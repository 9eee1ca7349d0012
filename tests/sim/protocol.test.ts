/**
 * Protocol details read from pve-http-server (`AnyEvent.pm`, `Formatter/Standard.pm`) and
 * pve-common (`RESTHandler.pm`, `JSONSchema.pm`): what a value is, the order of the early checks,
 * the formats PVE serves, and errors raised outside the API envelope.
 */
import { describe, expect, it } from "vitest";
import { schemaMethod } from "./core/schema";
import { validateParams } from "./core/validate";
import { SimError } from "./types";
import { raw, TEST_TOKEN } from "./testkit/raw";
import { useSimulator } from "./testkit/sim";

const sim = useSimulator();
const auth = { token: TEST_TOKEN };
const form = { "Content-Type": "application/x-www-form-urlencoded" };

describe("what a form value is (decode_urlencoded's Perl split)", () => {
  it("treats `key=` as no value: a required parameter is then missing", async () => {
    const r = await raw(sim(), "POST", "/pools", { auth, body: "poolid=", headers: form });
    expect([r.status, r.json?.errors]).toEqual([400, { poolid: "property is missing and it is not optional" }]);
  });

  it("treats `key=` as no value for an optional parameter: it is neither checked nor stored", async () => {
    const r = await raw(sim(), "POST", "/access/users", { auth, body: "userid=novalue@pve&expire=&email=", headers: form });
    expect(r.status, r.text).toBe(200);
    const u = await raw(sim(), "GET", "/access/users/novalue@pve", { auth });
    expect((u.json?.data as Record<string, unknown>)["email"]).toBeUndefined();
  });

  it("keeps only the text up to a second '=' of a pair", async () => {
    await raw(sim(), "POST", "/pools", { auth, body: "poolid=eq&comment=a=b", headers: form });
    const r = await raw(sim(), "GET", "/pools/eq", { auth });
    expect((r.json?.data as { comment: string }).comment).toBe("a");
  });

  it("decodes valid %XX escapes and leaves invalid ones as they are", async () => {
    await raw(sim(), "POST", "/pools", { auth, body: "poolid=pct&comment=a%zzb%41", headers: form });
    const r = await raw(sim(), "GET", "/pools/pct", { auth });
    expect((r.json?.data as { comment: string }).comment).toBe("a%zzbA");
  });

  it("lets a query parameter without a value override the body's", async () => {
    const r = await raw(sim(), "POST", "/access/users", { auth, body: "userid=qwins@pve&email=a@example.com", headers: form, query: { email: "" } });
    expect(r.status, r.text).toBe(200);
    const u = await raw(sim(), "GET", "/access/users/qwins@pve", { auth });
    expect((u.json?.data as Record<string, unknown>)["email"]).toBeUndefined();
  });

  it("wraps only a true scalar into an array for array parameters (normalize_legacy_param_formats)", () => {
    const def = schemaMethod("POST", "/cluster/backup");
    const errorsOf = (value: string): Record<string, string> | undefined => {
      try {
        validateParams(def?.parameters ?? {}, { "exclude-path": value, all: 1, schedule: "daily" }, false);
        return undefined;
      } catch (err) {
        return err instanceof SimError ? err.errors : undefined;
      }
    };
    expect(errorsOf("/tmp")).toBeUndefined();
    expect(errorsOf("0")).toEqual({ "exclude-path": "type check ('array') failed" });
  });
});

describe("the order of the early checks (process_header, authenticate_and_handle_request)", () => {
  it("authenticates before it looks at the body: an unauthenticated GET with a body is 401", async () => {
    const r = await raw(sim(), "GET", "/version", { body: "a=1", headers: form });
    expect([r.status, r.reason, r.text]).toEqual([401, "No ticket", ""]);
  });

  it("authenticates before the formatter: an unknown format without credentials is 401", async () => {
    const r = await raw(sim(), "GET", "/api2/xml/version", { absolute: true });
    expect([r.status, r.reason]).toEqual([401, "No ticket"]);
  });

  it("names the relative path and the format when no formatter exists", async () => {
    const r = await raw(sim(), "GET", "/api2/xml/version", { auth, absolute: true });
    expect([r.status, r.reason, r.text]).toEqual([501, "no formatter for uri /version, xml", "no formatter for uri /version, xml"]);
  });

  it("answers an unknown method with an empty body", async () => {
    const r = await raw(sim(), "PATCH", "/version", { auth });
    expect([r.status, r.reason, r.text]).toEqual([501, "method 'PATCH' not available", ""]);
  });

  it("compares the media type exactly: application/json-patch+json is not JSON", async () => {
    const r = await raw(sim(), "POST", "/pools", { auth, body: "{}", headers: { "Content-Type": "application/json-patch+json" } });
    expect([r.status, r.reason]).toEqual([506, "upload 'Content-Type 'application/json-patch+json' not implemented"]);
  });

  it("serves only /api2 paths: anything else is 500 no such file", async () => {
    const r = await raw(sim(), "GET", "/robots.txt", { auth, absolute: true });
    expect([r.status, r.reason]).toEqual([500, "no such file '/robots.txt'"]);
  });
});

describe("errors outside the API envelope (AnyEvent.pm::error)", () => {
  it("answers a malformed JSON body with a plain-text 500, before routing", async () => {
    const r = await raw(sim(), "POST", "/no/such/path", { auth, body: "{oops", headers: { "Content-Type": "application/json" } });
    expect(r.status).toBe(500);
    expect(r.reason).toMatch(/^malformed JSON string/);
    expect(r.headers["content-type"]).toBeUndefined();
    expect(r.json).toBeUndefined();
  });

  it("ends the unknown-node 500 with the newline of PVE's die", async () => {
    const r = await raw(sim(), "GET", "/nodes/nosuchnode/tasks", { auth });
    expect(r.status).toBe(500);
    expect(r.json?.message).toBe("hostname lookup 'nosuchnode' failed - failed to get address info for: nosuchnode: Name or service not known\n");
  });
});

describe("the extjs and htmljs formats (prepare_response_data)", () => {
  it("wraps success in {data, success: 1}", async () => {
    const r = await raw(sim(), "GET", "/api2/extjs/version", { auth, absolute: true });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ success: 1, data: { version: "9.2.11" } });
  });

  it("answers errors with 200 and success 0, the real status and the message inside", async () => {
    const r = await raw(sim(), "POST", "/api2/extjs/pools", { auth, form: { colour: "red" }, absolute: true });
    expect([r.status, r.reason]).toEqual([200, "OK"]);
    expect(r.json).toEqual({
      data: null,
      success: 0,
      status: 400,
      message: "Parameter verification failed.\n",
      errors: {
        poolid: "property is missing and it is not optional",
        colour: "property is not defined in schema and the schema does not allow additional properties",
      },
    });
  });

  it("sends htmljs as HTML-escaped JSON", async () => {
    const r = await raw(sim(), "GET", "/api2/htmljs/version", { auth, absolute: true });
    expect(r.headers["content-type"]).toBe("text/html;charset=UTF-8");
    expect(r.text).toMatch(/^\{&quot;data&quot;:\{/);
  });
});
