/**
 * `npm run gen`: rebuilds `sdk/` from scratch out of the kind definitions and read specs.
 * `npm run gen -- --check` fails when the committed SDK differs from what would be generated.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { definitions } from "../definitions";
import { reads } from "../reads";
import { emitDaemonReads } from "./emit-daemon-reads";
import { generateCdktf } from "./generate-cdktf";
import { BANNER, emitKind, emitRead } from "./emit";

/** File name for a class or function: `ApiToken` → `api-token`. */
function fileName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

/** The generated file outside `sdk/`: the client's facts from the schema. */
const DAEMON_READS = "provider/client/daemon-reads.ts";

/** Every generated file, by path relative to the package root. */
export function generateSdk(): Map<string, string> {
  const files = new Map<string, string>();
  const namespaces = new Map<string, string[]>();
  const add = (namespace: string, name: string, text: string): void => {
    const dir = namespace ? `sdk/${namespace}` : "sdk";
    files.set(`${dir}/${fileName(name)}.ts`, text);
    if (!namespaces.has(namespace)) namespaces.set(namespace, []);
    namespaces.get(namespace)?.push(fileName(name));
  };
  for (const def of definitions) add(def.namespace, def.name, emitKind(def));
  for (const spec of reads) add(spec.namespace, spec.name, emitRead(spec, spec.namespace ? "../../" : "../"));
  const rootExports: string[] = [];
  for (const [namespace, modules] of [...namespaces].sort(([a], [b]) => a.localeCompare(b))) {
    const lines = modules.sort().map((m) => `export * from "./${m}";`);
    if (namespace) {
      files.set(`sdk/${namespace}/index.ts`, `${BANNER}${lines.join("\n")}\n`);
      rootExports.push(`export * as ${namespace} from "./${namespace}";`);
    } else rootExports.push(...lines);
  }
  files.set("sdk/index.ts", `${BANNER}${rootExports.join("\n")}\n`);
  files.set(DAEMON_READS, emitDaemonReads());
  return files;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)]));
}

/** The Pulumi SDK and the CDKTF-style bindings (`sdk/cdktf/`). */
export async function generateAll(): Promise<Map<string, string>> {
  return new Map([...generateSdk(), ...(await generateCdktf())]);
}

/** Differences between the generated files and those on disk under `root`. */
export async function staleFiles(root: string, generated?: Map<string, string>): Promise<string[]> {
  const files = generated ?? (await generateAll());
  const stale: string[] = [];
  for (const [path, text] of files) {
    const full = join(root, path);
    if (!existsSync(full) || readFileSync(full, "utf8") !== text) stale.push(path);
  }
  for (const full of listFiles(join(root, "sdk"))) {
    const path = relative(root, full);
    if (!files.has(path)) stale.push(path);
  }
  return stale.sort();
}

async function main(): Promise<void> {
  const root = join(__dirname, "..", "..");
  const files = await generateAll();
  if (process.argv.includes("--check")) {
    const stale = await staleFiles(root, files);
    if (stale.length > 0) {
      console.error(`sdk/ is stale; run \`npm run gen\`:\n  ${stale.join("\n  ")}`);
      process.exit(1);
    }
    console.log(`sdk/ is up to date (${files.size} files)`);
    return;
  }
  rmSync(join(root, "sdk"), { recursive: true, force: true });
  for (const [path, text] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  console.log(`generated ${files.size} files in sdk/`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
