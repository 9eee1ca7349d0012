/**
 * The engine uses only the client's public face (`provider/client/index.ts`): one classification
 * of PVE's failures, the client's. Whatever the client classifies a failure as, the engine's
 * `errorKind` and `isMissing` and the hooks' `errorKind` say the same, for errors the client
 * made from PVE's answers and for anything else that reaches the engine.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PveApiError, errorKindOf, isNotFound, type PveErrorKind } from "../../provider/client";
import { classify, type FailureFacts } from "../../provider/client/classify";
import { errorKind, isMissing } from "../../provider/engine/api";
import { hookKit } from "../../provider/engine/hook-kit";
import { rejection } from "./helpers";
import { clientFor, reply, startServer, type TestServer } from "./server";

// PVE's answers (its own messages, as in classify.test.ts), served at `/case/<n>`, and the kind the client gives each.
const CASES: ReadonlyArray<[string, FailureFacts, PveErrorKind]> = [
  ["an IP set, in PVE's casing", { status: 500, message: "no such IPSet 'office'" }, "not-found"],
  ["an IP set, in another casing", { status: 500, message: "No Such IPSET 'office'" }, "not-found"],
  ["TFA's 404", { status: 404, message: "No such tfa entry 'x'" }, "not-found"],
  ["an SDN zone, wrapped by the handler", { status: 500, message: "delete sdn zone object failed: sdn 'zonea' does not exist" }, "not-found"],
  ["the simulator's SDN wording", { status: 500, message: "delete sdn zone object failed: sdn 'zonea' zone not defined" }, "not-found"],
  ["a pool member", { status: 500, message: "update pools failed: VM 100 is not a pool member" }, "not-found"],
  ["a guest config", { status: 500, message: "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist" }, "not-found"],
  ["an IP set entry, as a parameter error", { status: 400, message: "Parameter verification failed.", errors: { cidr: "no such IP/Network" } }, "not-found"],
  ["a job, re-raised as text", { status: 500, message: "400 Parameter verification failed.\nid: No such job 'b1'" }, "not-found"],
  ["a bad delete list", { status: 400, message: "Parameter verification failed.", errors: { delete: "no such option 'foo'" } }, "validation"],
  ["a file PVE could not open", { status: 500, message: "unable to open file '/etc/pve/user.cfg.tmp.1234' - No such file or directory" }, "server"],
  [
    "a lock timeout in a wrapped SDN error",
    { status: 500, message: "delete sdn zone object failed: can't lock file '/var/lock/pve-manager/pve-sdn.lck' - got timeout" },
    "locked",
  ],
  ["a create race", { status: 500, message: "create sdn zone object failed: sdn 'zonea' already exists" }, "conflict"],
  ["a missing privilege", { status: 403, message: "Permission check failed (/vms/100, VM.Audit)" }, "permission"],
  ["PVE's proxy", { status: 596, message: "Connection timed out" }, "unreachable"],
];

describe("the engine and the hooks classify as the client does", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((req, res) => {
      const n = Number(/\/case\/(\d+)/.exec(req.url)?.[1]);
      const [, facts] = CASES[n] ?? ["", { status: 200 }];
      const message = facts.message ?? "";
      // The reason phrase is the message's first line, as pveproxy sends it.
      reply(res, facts.status ?? 200, { data: null, message: `${message}\n`, ...(facts.errors ? { errors: facts.errors } : {}) }, message.split("\n")[0]);
    });
  });
  afterAll(() => server.close());

  test.each(CASES.map(([what, facts, kind], n) => [what, n, facts, kind] as const))("%s", async (_what, n, facts, kind) => {
    const error = await rejection(clientFor(server, { retries: 0 }).get(`/case/${n}`));
    expect(error).toBeInstanceOf(PveApiError);
    // The client's classification, of these facts and of the error it made from them.
    expect(classify(facts)).toBe(kind);
    expect(errorKindOf(error)).toBe(kind);
    expect(isNotFound(error)).toBe(kind === "not-found");
    // The engine's and the hooks' answers are the client's.
    expect(errorKind(error)).toBe(kind);
    expect(isMissing(error)).toBe(kind === "not-found");
    expect(hookKit.errorKind(error)).toBe(kind);
  });
});

describe("errors the client did not make", () => {
  const gone = Object.assign(new Error("storage 'x' does not exist"), { kind: "not-found" });
  test.each<[string, unknown, PveErrorKind | undefined]>([
    ["a test double's not-found", gone, "not-found"],
    ["a test double's lost connection", Object.assign(new Error("socket hang up"), { kind: "unreachable" }), "unreachable"],
    ["a PveApiError built by hand", new PveApiError({ kind: "not-found", message: "GET /pools/p: pool 'p' does not exist" }), "not-found"],
    // Message text is the client's to read, when it makes the error: no other layer reads it.
    ["a plain error that says 'does not exist'", new Error("storage 'x' does not exist"), undefined],
    ["a kind that is no PVE kind", Object.assign(new Error("x"), { kind: "missing" }), undefined],
    ["a kind that is no string", { kind: 404 }, undefined],
    ["no error at all", undefined, undefined],
    ["a string", "no such IPSet 'office'", undefined],
  ])("%s", (_what, error, kind) => {
    expect(errorKindOf(error)).toBe(kind);
    expect(errorKind(error)).toBe(kind);
    expect(hookKit.errorKind(error)).toBe(kind);
    expect(isNotFound(error)).toBe(kind === "not-found");
    expect(isMissing(error)).toBe(kind === "not-found");
  });
});

describe("the engine imports the client only through its public entry", () => {
  const root = resolve(__dirname, "../..");
  const engine = join(root, "provider/engine");
  const client = join(root, "provider/client");
  const sources = readdirSync(engine, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts"));

  test.each(sources)("%s", (file) => {
    const path = join(engine, file);
    const text = readFileSync(path, "utf8");
    const specifiers = [...text.matchAll(/\bfrom\s+"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)|\brequire\(\s*"([^"]+)"\s*\)/g)].map(
      (m) => m[1] ?? m[2] ?? m[3] ?? "",
    );
    const intoClient = specifiers
      .filter((specifier) => specifier.startsWith("."))
      .map((specifier) => relative(client, resolve(dirname(path), specifier)))
      .filter((inside) => inside === "" || !inside.startsWith(".."));
    expect(intoClient.filter((inside) => inside !== "" && inside !== "index")).toEqual([]);
  });
});
