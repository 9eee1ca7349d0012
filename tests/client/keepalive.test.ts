import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { clientFor, reply, startServer, type TestServer } from "./server";

// Counts TLS connections on a real server. Sleeps are only ever much longer than the idle
// limit under test, so a slow machine can only make reuse less likely, never the assertion flaky.
describe("keep-alive", () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer((_req, res) => reply(res, 200, { data: null }));
  });
  afterEach(() => server.close());

  test("sequential requests reuse one socket while it is fresh", async () => {
    const client = clientFor(server, { keepAliveIdleMs: 60_000 });
    for (let i = 0; i < 5; i++) await client.get("/version");
    expect(server.requests).toHaveLength(5);
    expect(server.connections()).toBe(1);
    client.close();
  });

  test("a socket idle for keepAliveIdleMs or more is never reused", async () => {
    const client = clientFor(server, { keepAliveIdleMs: 50 });
    await client.get("/version");
    await sleep(200);
    await client.get("/version");
    await sleep(200);
    await client.get("/version");
    expect(server.connections()).toBe(3);
    client.close();
  });

  test("close() drops idle sockets; the client reconnects on demand", async () => {
    const client = clientFor(server, { keepAliveIdleMs: 60_000 });
    await client.get("/version");
    client.close();
    await client.get("/version");
    expect(server.connections()).toBe(2);
    client.close();
  });
});
