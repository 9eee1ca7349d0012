// A hostile or broken endpoint: bodies without end, bombs, floods of task log lines, control
// characters and forged lines in server text, redirects to somewhere else.
import type { ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { PveApiError } from "../../index";
import { cleanServerText } from "../../provider/client/sanitize";
import { API_TOKEN, rejection } from "./helpers";
import { clientFor, reply, startServer, type TestServer } from "./server";

const MiB = 2 ** 20;
const UPID = "UPID:pve1:000A1B2C:0153F0E1:66F1A2B3:qmstart:100:root@pam:";
/** A UPID whose task type carries an escape sequence: PVE's own pattern lets it through. */
const EVIL_UPID = "UPID:pve1:000A1B2C:0153F0E1:66F1A2B3:qm\u001b[2Jstart:100:root@pam:";
const FLOOD = 5000;
// eslint-disable-next-line no-control-regex -- the test looks for control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Writes `total` bytes of a valid `{"data":"xxx…"}` envelope, honouring backpressure; resolves with the bytes written. */
async function stream(res: ServerResponse, total: number, headers: Record<string, string> = {}): Promise<number> {
  res.writeHead(200, { "content-type": "application/json", ...headers });
  let closed = false;
  res.on("close", () => (closed = true));
  let written = 0;
  const chunk = Buffer.alloc(64 * 1024, "x");
  res.write('{"data":"');
  while (written < total && !closed) {
    if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve).once("close", resolve));
    written += chunk.length;
  }
  if (!closed) res.end('"}');
  return written;
}

describe("a hostile endpoint", () => {
  let server: TestServer;
  let other: TestServer;
  const written: Record<string, number> = {};
  beforeAll(async () => {
    other = await startServer((_req, res) => reply(res, 200, { data: { version: "9.2.11" } }));
    server = await startServer(async (req, res) => {
      const url = new URL(req.url, "https://x");
      const path = url.pathname.replace("/api2/json", "");
      if (path === "/big") written["big"] = await stream(res, 64 * MiB);
      else if (path === "/announced") {
        res.writeHead(200, { "content-type": "application/json", "content-length": String(512 * MiB) });
        res.write('{"data":"');
      } else if (path === "/big-error") {
        res.writeHead(500, "boom", { "content-type": "application/json" });
        written["big-error"] = 0;
        res.end(JSON.stringify({ data: null, message: "x".repeat(4 * MiB) }));
      } else if (path === "/bomb") {
        const bomb = gzipSync(Buffer.from(`{"data":"${"0".repeat(64 * MiB)}"}`));
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "content-length": String(bomb.length) });
        res.end(bomb);
      } else if (path === "/forged") {
        reply(
          res,
          400,
          {
            data: null,
            message: "Parameter verification failed.\u001b[2J\r\n[pulumi] error: forged\u009b31m",
            errors: { "na\u0007me": "bad\r\nvalue \u001b]0;title\u0007" },
          },
          "Parameter verification failed.",
        );
      } else if (path === "/text-error") {
        res.writeHead(500, "boom", { "content-type": "text/plain" });
        res.end("proxy said:\u001b[31m red\r\nfake line\u0000");
      } else if (path === "/redirect") {
        res.writeHead(302, { location: `${other.origin}/api2/json/version` });
        res.end();
      } else if (path.endsWith("/status")) {
        reply(res, 200, { data: { status: "stopped", exitstatus: "command failed\u001b[2K\r\nTASK OK\u0085" } });
      } else if (path.endsWith("/log")) {
        const start = Number(url.searchParams.get("start"));
        const limit = Number(url.searchParams.get("limit"));
        // limit=0 would be "all of it": a client that asks for that gets every line at once.
        const end = limit === 0 ? FLOOD : Math.min(FLOOD, start + limit);
        const lines = Array.from({ length: end - start }, (_, i) => ({
          n: start + i + 1,
          t: start + i === 0 ? "line\u001b[1A\rTASK OK \u009b2J\u202eevil" : `line ${start + i + 1}`,
        }));
        reply(res, 200, { data: lines, total: FLOOD });
      } else reply(res, 404, { data: null, message: "no such path" });
    });
  });
  afterAll(async () => {
    await server.close();
    await other.close();
  });

  test("a body past maxResponseBytes is aborted while it streams, and the server sees the client go", async () => {
    const client = clientFor(server, { maxResponseBytes: MiB, retries: 0 });
    const error = (await rejection(client.get("/big"))) as PveApiError;
    expect(error).toMatchObject({ kind: "server", method: "GET", path: "/big", retryable: false });
    expect(error.message).toContain(`larger than ${MiB} bytes (maxResponseBytes)`);
    await expect.poll(() => written["big"]).toBeDefined();
    expect(written["big"]).toBeLessThan(64 * MiB);
    client.close();
  });

  test("a body announced larger than the limit is refused at once; so is an error body and a decompression bomb", async () => {
    const client = clientFor(server, { maxResponseBytes: MiB, retries: 0 });
    for (const path of ["/announced", "/big-error", "/bomb"]) {
      const error = (await rejection(client.get(path))) as PveApiError;
      expect(error.message, path).toContain("(maxResponseBytes)");
    }
    client.close();
  });

  test("the default limit is 16 MiB", async () => {
    const client = clientFor(server, { retries: 0 });
    expect(((await rejection(client.get("/big"))) as PveApiError).message).toContain(`larger than ${16 * MiB} bytes`);
    client.close();
  });

  test("a task that floods its log is read in pages; the wait keeps only the newest lines and streams all of them", async () => {
    const client = clientFor(server, { maxTaskLogLines: 100 });
    const streamed: string[] = [];
    const error = (await rejection(client.waitForTask(UPID, { onLog: (line) => streamed.push(line) }))) as PveApiError;
    expect(streamed).toHaveLength(FLOOD);
    expect(streamed.at(-1)).toBe(`line ${FLOOD}`);
    expect(error.kind).toBe("task-failed");
    expect(error.taskLog?.at(-1)).toBe(`line ${FLOOD}`);
    const logReads = server.requests.filter((r) => r.url.includes("/log?"));
    for (const read of logReads) expect(new URL(read.url, "https://x").searchParams.get("limit")).toBe("500");
    client.close();
  });

  test("a successful flood keeps maxTaskLogLines lines and counts them all", async () => {
    const ok = await startServer((req, res) => {
      const url = new URL(req.url, "https://x");
      if (url.pathname.endsWith("/status")) return reply(res, 200, { data: { status: "stopped", exitstatus: "OK" } });
      const start = Number(url.searchParams.get("start"));
      const limit = Number(url.searchParams.get("limit"));
      const end = limit === 0 ? FLOOD : Math.min(FLOOD, start + limit);
      reply(res, 200, { data: Array.from({ length: end - start }, (_, i) => ({ n: start + i + 1, t: `line ${start + i + 1}` })) });
    });
    const client = clientFor(ok, { maxTaskLogLines: 100 });
    const result = await client.waitForTask(UPID);
    expect(result.log).toHaveLength(100);
    expect(result.log[0]).toBe(`line ${FLOOD - 99}`);
    expect(result.logLines).toBe(FLOOD);
    client.close();
    await ok.close();
  });

  test("control characters and forged lines in task logs, exit statuses and UPIDs are stripped before anyone sees them", async () => {
    const client = clientFor(server, { maxTaskLogLines: 10 });
    const streamed: string[] = [];
    const error = (await rejection(client.waitForTask(EVIL_UPID, { onLog: (line) => streamed.push(line) }))) as PveApiError;
    expect(streamed[0]).toBe("line[1A TASK OK 2Jevil");
    for (const line of streamed) expect(line).not.toMatch(CONTROL);
    for (const text of [error.message, error.pveMessage ?? "", ...(error.taskLog ?? [])]) {
      // eslint-disable-next-line no-control-regex -- the test looks for control characters
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/); // the message's own line breaks stay
      expect(text).not.toContain("\r");
    }
    expect(error.pveMessage).toBe("command failed[2K TASK OK ");
    expect(error.message).toMatch(/^task qm\[2Jstart 100 on pve1 failed/);
    client.close();
  });

  test("control characters in PVE's messages, per-field errors and plain-text bodies are stripped", async () => {
    const lines: string[] = [];
    const client = clientFor(server, { retries: 0, logger: (line) => lines.push(line) });
    const forged = (await rejection(client.post("/forged", { name: "x" }))) as PveApiError;
    expect(forged.pveMessage).toBe("Parameter verification failed.[2J [pulumi] error: forged31m");
    expect(forged.errors).toEqual({ name: "bad value ]0;title" });
    expect(forged.message.split("\n")).toEqual(["POST /forged: Parameter verification failed.[2J [pulumi] error: forged31m", "  name: bad value ]0;title"]);
    const text = (await rejection(client.get("/text-error"))) as PveApiError;
    expect(text.message).not.toMatch(CONTROL);
    // The error's own field lines are the only line breaks.
    for (const line of lines.flatMap((l) => l.split("\n"))) expect(line).not.toMatch(CONTROL);
    client.close();
  });

  test("redirects are not followed: the credentials never reach the server a redirect names", async () => {
    const client = clientFor(server, { retries: 0 });
    expect(await rejection(client.get("/redirect"))).toMatchObject({ kind: "server" });
    expect(other.requests).toHaveLength(0);
    expect(server.requests.at(-1)?.headers.authorization).toBe(`PVEAPIToken=${API_TOKEN}`);
    client.close();
  });
});

describe("cleanServerText", () => {
  test("turns line breaks into spaces and drops the other C0, DEL, C1 and bidi controls; ordinary text is untouched", () => {
    expect(cleanServerText("a\r\nb\tc\u000bd")).toBe("a b c d");
    expect(cleanServerText("\u001b[31mred\u0007\u007f\u009b1m\u202eevil\u2066x")).toBe("[31mred1mevilx");
    expect(cleanServerText("Grüße – ok: 100% «done» 日本")).toBe("Grüße – ok: 100% «done» 日本");
  });
});
