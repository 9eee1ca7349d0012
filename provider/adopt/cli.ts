#!/usr/bin/env node
/**
 * `npx pulumi-proxmox adopt <kind> <id> [<kind> <id> ...]` or `--file import.json` (the format of
 * `pulumi import --file`: `{"resources": [{"type", "name", "id"}]}`): prints a program that declares
 * those existing objects with `adopt: true`. It connects with the `PROXMOX_VE_*` environment.
 */
import { readFileSync } from "node:fs";
import { ProxmoxClient } from "../client";
import { resolveConnection } from "../runtime/credentials";
import { type AdoptRequest, writeAdoptProgram } from "./program";

const USAGE = `usage: pulumi-proxmox adopt <kind> <id> [<kind> <id> ...]
       pulumi-proxmox adopt --file import.json
  <kind> is e.g. access.User; <id> is the kind's id (see the SDK docs). The connection comes from
  PROXMOX_VE_ENDPOINT and PROXMOX_VE_API_TOKEN (or _USERNAME/_PASSWORD), _FINGERPRINT or _CA_CERT.`;

/** The requests the command line names. */
export function parseArgs(args: readonly string[]): AdoptRequest[] {
  if (args[0] !== "adopt") throw new Error(USAGE);
  const rest = args.slice(1);
  if (rest[0] === "--file") {
    const file = rest[1];
    if (!file) throw new Error(USAGE);
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { resources?: Array<{ type?: string; name?: string; id?: string }> };
    return (parsed.resources ?? []).map((r, i) => {
      if (!r.type || !r.id) throw new Error(`${file}: resources[${i}] needs a type and an id`);
      return { kind: r.type, id: r.id, ...(r.name ? { name: r.name } : {}) };
    });
  }
  if (rest.length === 0 || rest.length % 2 !== 0) throw new Error(USAGE);
  const requests: AdoptRequest[] = [];
  for (let i = 0; i < rest.length; i += 2) requests.push({ kind: rest[i] ?? "", id: rest[i + 1] ?? "" });
  return requests;
}

async function main(): Promise<void> {
  let client: ProxmoxClient | undefined;
  try {
    const requests = parseArgs(process.argv.slice(2));
    client = new ProxmoxClient(resolveConnection(undefined));
    process.stdout.write(await writeAdoptProgram(client, requests));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  } finally {
    client?.close();
  }
}

if (require.main === module) void main();
