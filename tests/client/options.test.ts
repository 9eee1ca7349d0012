import { describe, expect, test } from "vitest";
import { ProxmoxClient, PveApiError, type ProxmoxClientOptions } from "../../index";
import { normalizeOptions } from "../../provider/client/options";
import { API_TOKEN, TOKEN_SECRET } from "./helpers";

function failure(options: ProxmoxClientOptions): PveApiError {
  try {
    new ProxmoxClient(options);
  } catch (error) {
    expect(error).toBeInstanceOf(PveApiError);
    return error as PveApiError;
  }
  throw new Error("expected the constructor to throw");
}

describe("options", () => {
  test("the endpoint is normalized to the /api2/json base, with or without the suffix", () => {
    expect(normalizeOptions({ endpoint: "https://pve1:8006", apiToken: API_TOKEN }).baseUrl).toBe("https://pve1:8006/api2/json/");
    expect(normalizeOptions({ endpoint: "https://pve1:8006/api2/json/", apiToken: API_TOKEN }).baseUrl).toBe("https://pve1:8006/api2/json/");
  });

  test("defaults match PVE's limits", () => {
    const o = normalizeOptions({ endpoint: "https://pve1:8006", apiToken: API_TOKEN });
    expect(o).toMatchObject({ timeoutMs: 30000, maxConcurrency: 16, nodeWriteConcurrency: 2, nodeReadConcurrency: 6, retries: 3, keepAliveIdleMs: 4000 });
    expect(o.tls).toEqual({ insecure: false });
  });

  test("the token splits on the last '='", () => {
    expect(normalizeOptions({ endpoint: "https://pve1:8006", apiToken: "ci@pve!a=b=c" }).credentials).toEqual({
      type: "token",
      tokenId: "ci@pve!a=b",
      secret: "c",
    });
  });

  test("fingerprints are case and colon tolerant", () => {
    const hex = "ab".repeat(32);
    expect(normalizeOptions({ endpoint: "https://pve1:8006", apiToken: API_TOKEN, fingerprint: hex }).tls.fingerprint).toBe(Array(32).fill("AB").join(":"));
  });

  test.each<[Partial<ProxmoxClientOptions>, string]>([
    [{ endpoint: "" }, "'endpoint'"],
    [{ endpoint: "http://pve1:8006" }, "'endpoint'"],
    [{ endpoint: "not a url" }, "'endpoint'"],
    [{ apiToken: `ci@pve!deploy:${TOKEN_SECRET}` }, "'apiToken'"],
    [{ apiToken: undefined }, "'apiToken'"],
    [{ apiToken: undefined, username: "root", password: "x" }, "'username'"],
    [{ fingerprint: "AA:BB" }, "'fingerprint'"],
    [{ insecure: true, fingerprint: "ab".repeat(32) }, "'insecure'"],
    [{ insecure: true, caCert: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" }, "'caCert'"],
    [{ caCert: "hello" }, "'caCert'"],
    [{ timeoutMs: -1 }, "'timeoutMs'"],
    [{ maxConcurrency: 0 }, "'maxConcurrency'"],
    [{ nodeWriteConcurrency: 1.5 }, "'nodeWriteConcurrency'"],
  ])("%o is refused with an error naming %s", (patch, name) => {
    const error = failure({ endpoint: "https://pve1:8006", apiToken: API_TOKEN, ...patch } as ProxmoxClientOptions);
    expect(error.kind).toBe("validation");
    expect(error.message).toContain(name);
    expect(error.message).not.toContain(TOKEN_SECRET);
  });
});
