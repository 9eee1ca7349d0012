// Every secret-bearing field of every kind: found from the schema's names and formats plus our
// list, marked secret (exactly those), and redacted in every form a hostile server echoes it in,
// in the errors and the task logs of every call the runtime makes. The state and the read
// functions are proven against the simulator in tests/e2e/secrets-state.test.ts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { definitionOf, definitions } from "../../schema/definitions";
import { PROVIDER_KEY } from "../../provider/engine";
import * as runtime from "../../provider/runtime";
import { reply, startServer, type TestServer } from "../client/server";
import { API_TOKEN } from "../client/helpers";
import { ASSIGNED_SECRETS, NOT_SECRET, OUR_LIST, SECRET_CASES, type SecretCase, candidates, markedSecrets } from "./secret-cases";

describe("the secret-bearing fields", () => {
  it("are found by name and format, and each candidate is marked secret or reviewed as no secret", () => {
    const unreviewed = candidates()
      .filter((c) => !c.secret && NOT_SECRET[`${c.kind} ${c.path}`] === undefined)
      .map((c) => `${c.kind} ${c.path}`);
    expect(unreviewed).toEqual([]);
  });

  it("are exactly the fields marked secret: the candidates that are secret, plus our list", () => {
    const expected = new Set([
      ...candidates()
        .filter((c) => c.secret)
        .map((c) => `${c.kind} ${c.field}`),
      ...Object.keys(OUR_LIST),
    ]);
    expect(new Set(markedSecrets())).toEqual(expected);
    // The reviewed lists name real fields only, so that they cannot go stale.
    const known = new Set(candidates().map((c) => `${c.kind} ${c.path}`));
    for (const entry of Object.keys(NOT_SECRET)) expect(known, entry).toContain(entry);
    for (const entry of Object.keys(OUR_LIST)) expect(markedSecrets(), entry).toContain(entry);
  });

  it("are each covered by a case that sets them", () => {
    const covered = new Set(SECRET_CASES.flatMap((c) => c.secrets.map((name) => `${definitionOf(`${c.namespace}:${c.kind}`).key} ${name}`)));
    expect([...covered].sort()).toEqual([...markedSecrets()].sort());
  });

  it("are secret in the SDK's state: inputs wrapped with pulumi.secret and listed in additionalSecretOutputs", () => {
    for (const def of definitions.filter((d) => markedSecrets([d]).length > 0)) {
      const file = join(__dirname, "..", "..", "sdk", def.namespace, `${def.name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase()}.ts`);
      const source = readFileSync(file, "utf8");
      const listed = /additionalSecretOutputs: (\[[^\]]*\])/.exec(source)?.[1];
      const names = markedSecrets([def]).map((entry) => entry.split(" ")[1]);
      expect(JSON.parse(listed ?? "[]"), def.key).toEqual(expect.arrayContaining(names));
      for (const field of def.fieldList.filter((f) => f.secret)) {
        expect(source, `${def.key} ${field.sdkName}`).toContain(
          `${field.sdkName}: argsOrState?.${field.sdkName} === undefined ? undefined : pulumi.secret(argsOrState.${field.sdkName}),`,
        );
      }
    }
  });
});

// ---- a hostile endpoint that echoes every value it receives, in every derived form -------------

const b64 = (text: string): string => Buffer.from(text).toString("base64");
const form = (text: string): string => new URLSearchParams([["", text]]).toString().slice(1);

/** Forms of a received value that a server might print: this is the attacker's code, not ours. */
function echoesOf(value: string, depth = 0): string[] {
  const out = [value, encodeURIComponent(value), form(value), b64(value), JSON.stringify(value)];
  if (depth > 1) return out;
  const more: string[] = [];
  // A server decodes base64 that holds text (an ACME plugin's data), not any word that happens to be base64.
  const decoded = Buffer.from(value, "base64").toString("utf8");
  // eslint-disable-next-line no-control-regex -- text means no control characters
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(value) && !/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(decoded)) more.push(decoded);
  more.push(...value.split(/\r?\n/).map((line) => line.trim()));
  for (const piece of value.split(/[,;\n]/)) more.push(piece.includes("=") ? piece.slice(piece.indexOf("=") + 1).trim() : piece.trim());
  try {
    const url = new URL(value);
    more.push(url.password, ...url.searchParams.values());
  } catch {
    // not a URL
  }
  return [...out, ...more.filter((m) => m.length > 0).flatMap((m) => echoesOf(m, depth + 1))];
}

const UPID = "UPID:pve1:000A1B2C:0153F0E1:66F1A2B3:echo:100:root@pam:";

interface Echo {
  mode: "error" | "task";
  /** What the server received and echoed last. */
  received: URLSearchParams;
  echoed: string;
}

/** Every string a user could see of an error: message, stack, JSON, inspect, cause. */
function surfaces(error: unknown): string {
  const e = error as Error;
  return [String(e?.message), String(e?.stack), JSON.stringify(error), inspect(error, { depth: 10, showHidden: true }), inspect(e?.cause, { depth: 10 })].join(
    "\n",
  );
}

describe("every secret field, echoed by a hostile endpoint in every derived form", () => {
  let server: TestServer;
  const echo: Echo = { mode: "error", received: new URLSearchParams(), echoed: "" };
  let logged: string[] = [];
  beforeAll(async () => {
    server = await startServer((req, res) => {
      const url = new URL(req.url, "https://x");
      const path = url.pathname.replace("/api2/json", "");
      if (req.method === "GET") {
        // Every provider probes the version first (its preflight).
        if (path === "/version") return reply(res, 200, { data: { version: "9.2.11", release: "9.2", repoid: "0123456789abcdef" } });
        if (path === "/nodes") return reply(res, 200, { data: [{ node: "pve1", status: "online" }] });
        if (path === "/nodes/pve1/certificates/info") return reply(res, 200, { data: [{ filename: "pve-root-ca.pem", fingerprint: "AB:CD" }] });
        if (path === "/cluster/status") return reply(res, 200, { data: [{ type: "cluster", name: "echo" }] });
        if (path === "/cluster/sdn") return reply(res, 200, { data: [] });
        if (path.endsWith("/status")) return reply(res, 200, { data: { status: "stopped", exitstatus: `TASK ERROR: ${echo.echoed}` } });
        if (path.endsWith("/log")) {
          const lines = echo.echoed.split(" | ").map((t, i) => ({ n: i + 1, t }));
          return reply(res, 200, { data: Number(url.searchParams.get("start")) === 0 ? lines : [] });
        }
        return reply(res, 500, { data: null, message: `${path} does not exist` });
      }
      // SDN's global lock is granted, so that the staged write itself reaches the server.
      // Its apply (which may come after the test, from the commit coordinator) changes nothing here.
      if (path === "/cluster/sdn/lock") return reply(res, 200, { data: req.method === "POST" ? "echo-lock-token" : null });
      if (path === "/cluster/sdn") return reply(res, 200, { data: null });
      // A write: echo every value, and the secrets the server itself knows (a token it issued).
      echo.received = new URLSearchParams(req.body || url.search);
      echo.echoed = [...[...echo.received.values()].flatMap((v) => echoesOf(v)), ...ASSIGNED_SECRETS.flatMap((v) => echoesOf(v))].join(" | ");
      if (echo.mode === "task") return reply(res, 200, { data: UPID });
      const errors = Object.fromEntries([...echo.received].map(([k, v]) => [k, `bad value '${v}'`]));
      return reply(res, 400, { data: null, message: `refused: ${echo.echoed}`, errors }, "Parameter verification failed.");
    });
    const config: Record<string, string> = { "proxmox:endpoint": server.origin, "proxmox:apiToken": API_TOKEN, "proxmox:fingerprint": server.fingerprint };
    runtime.configure({ config: { get: (key) => config[key] } });
  });
  beforeAll(() => {
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
  });
  afterEach(() => {
    logged = [];
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    runtime.configure(undefined);
    await server.close();
  });

  const secretParams = (c: SecretCase): string[] => {
    const def = definitionOf(`${c.namespace}:${c.kind}`);
    return def.fieldList.filter((f) => f.secret).map((f) => f.pveName);
  };

  /** A PEM's armor lines (`-----BEGIN PRIVATE KEY-----`) and their forms: public text. */
  const armor = (value: string): Set<string> =>
    new Set(
      value
        .split(/\r?\n/)
        .filter((line) => /^-----(?:BEGIN|END) /.test(line.trim()))
        .flatMap((line) => echoesOf(line.trim())),
    );

  /** Nothing of the case's secrets, nor any secret parameter the server received, is in `text`. */
  const expectClean = (c: SecretCase, text: string): void => {
    for (const hidden of c.hidden) expect(text, `${c.name}: ${hidden}`).not.toContain(hidden);
    for (const name of secretParams(c)) {
      const sent = echo.received.get(name);
      if (sent === null || sent.length < 4) continue;
      const allowed = armor(sent);
      for (const form of echoesOf(sent).filter((f) => f.length >= 8 && !allowed.has(f))) expect(text, `${c.name} ${name}`).not.toContain(form);
    }
    // TFA's one-time code is computed from the URI by the provider, and sent as `value`.
    const code = echo.received.get("value");
    if (code) expect(text).not.toContain(code);
  };

  for (const c of SECRET_CASES.filter((c) => c.hidden.length > 0)) {
    for (const mode of ["error", "task"] as const) {
      it(`${c.namespace}.${c.kind} (${c.name}): the ${mode === "error" ? "error of a refused write" : "log and exit status of a failed task"}`, async () => {
        echo.mode = mode;
        const kind = `${c.namespace}:${c.kind}`;
        const error = await runtime.create(kind, { ...c.args, [PROVIDER_KEY]: "shim" }).then(
          () => new Error("the create succeeded"),
          (e: unknown) => e,
        );
        // The server did echo the secrets: the test sees them redacted, not absent.
        for (const hidden of c.hidden) expect(echo.echoed, `${c.name}: the server echoed ${hidden}`).toContain(hidden);
        expect(`${surfaces(error)}\n${logged.join("\n")}`).toContain("[redacted]");
        expectClean(c, surfaces(error));
        if (mode === "task") expect(logged.length).toBeGreaterThan(c.hidden.length);
        expectClean(c, logged.join("\n"));
      });
    }
  }

  for (const c of SECRET_CASES.filter((c) => c.assigned)) {
    it(`${c.namespace}.${c.kind} (${c.name}): a secret output PVE assigned, echoed when the resource is deleted`, async () => {
      echo.mode = "error";
      const kind = `${c.namespace}:${c.kind}`;
      const def = definitionOf(kind);
      const props = { ...c.args, ...c.assigned };
      const id = def.identity
        .map((p) => String(props[def.fieldsByPveName.get(p)?.sdkName ?? p] ?? (p === "id" ? c.assigned?.["entryId"] : "")))
        .join(def.idSeparator ?? "/");
      const error = await runtime.remove(kind, id, props).then(
        () => new Error("the delete succeeded"),
        (e: unknown) => e,
      );
      const assigned = Object.entries(c.assigned ?? {})
        .filter(([name]) => def.outputs?.[name]?.secret)
        .flatMap(([, value]) => (Array.isArray(value) ? value.map(String) : [String(value)]));
      expect(assigned.length).toBeGreaterThan(0);
      for (const value of assigned) {
        expect(echo.echoed).toContain(value);
        expect(surfaces(error)).not.toContain(value);
      }
    });
  }
});
