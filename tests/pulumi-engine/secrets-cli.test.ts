// Secret stack config on the local engine's command line: from a file or stdin, so that the value
// never shows in a process listing; the inline form still works and says why not to use it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseCli } from "./cli-args";

const dir = mkdtempSync(join(tmpdir(), "cli-secret-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const noStdin = (): string => {
  throw new Error("stdin was not asked for");
};
const base = ["up", "examples/quickstart", "--state", "/tmp/state.json"];

describe("secret config on the engine's command line", () => {
  it("--config-secret-file key=path reads the value from the file, without its final line break", () => {
    const file = join(dir, "pw");
    writeFileSync(file, "s3cr3t with spaces\n", { mode: 0o600 });
    const request = parseCli([...base, "--config-secret-file", `alicePassword=${file}`, "--config", "x=1"], noStdin);
    expect(request?.secretConfig).toEqual({ alicePassword: "s3cr3t with spaces" });
    expect(request?.config).toEqual({ x: "1" });
    expect(request?.warnings).toEqual([]);
  });

  it("keeps line breaks inside a file's value (a PEM key) and only drops the last one", () => {
    const file = join(dir, "key.pem");
    writeFileSync(file, "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\r\n");
    expect(parseCli([...base, "--config-secret-file", `proxmox:caKey=${file}`], noStdin)?.secretConfig["proxmox:caKey"]).toBe(
      "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----",
    );
  });

  it("--config-secret-stdin key reads stdin, once", () => {
    expect(parseCli([...base, "--config-secret-stdin", "proxmox:apiToken"], () => "root@pam!ci=uuid\n")?.secretConfig).toEqual({
      "proxmox:apiToken": "root@pam!ci=uuid",
    });
    expect(() => parseCli([...base, "--config-secret-stdin", "a", "--config-secret-stdin", "b"], () => "x")).toThrow(/once/);
  });

  it("the inline --config-secret still works and warns that the process list shows it", () => {
    const request = parseCli([...base, "--config-secret", "alicePassword=pw"], noStdin);
    expect(request?.secretConfig).toEqual({ alicePassword: "pw" });
    expect(request?.warnings.join("\n")).toMatch(/process list.*--config-secret-file.*--config-secret-stdin/);
    expect(request?.warnings.join("\n")).not.toContain("=pw");
  });

  it("a file that cannot be read or a pair without '=' is an error naming the flag", () => {
    expect(() => parseCli([...base, "--config-secret-file", `k=${join(dir, "missing")}`], noStdin)).toThrow(/ENOENT/);
    expect(() => parseCli([...base, "--config-secret-file", "novalue"], noStdin)).toThrow(/--config-secret-file expects key=value/);
    expect(parseCli(["up"], noStdin)).toBeUndefined();
  });
});
