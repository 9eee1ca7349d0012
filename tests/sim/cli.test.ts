/** `npm run sim`: the CLI prints endpoint, fingerprint, root password and a working token. */
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

describe("cli", () => {
  it("starts, prints how to connect, and stops on SIGTERM", async () => {
    const tsx = path.resolve(__dirname, "../../node_modules/.bin/tsx");
    const child = spawn(
      tsx,
      [path.join(__dirname, "cli.ts"), "--port", "0", "--nodes", "2", "--root-password", "cli-pass-1", "--api-token", "ci@pve!deploy=abc-123"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        if (out.includes("API token")) resolve();
      });
      child.on("exit", (code) => reject(new Error(`cli exited early (${String(code)}): ${out}`)));
    });
    expect(out).toMatch(/endpoint: +https:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain("nodes:       pve1, pve2");
    expect(out).toMatch(/fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    expect(out).toContain("root@pam password: cli-pass-1");
    expect(out).toContain("API token:   ci@pve!deploy=abc-123");
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
