/**
 * vitest global setup: compiles the package once before any suite packs it, so that suites in
 * parallel workers never rebuild `dist/` under each other's `npm pack`.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";

export default function buildPackage(): void {
  execFileSync("npm", ["run", "--silent", "build"], { cwd: join(__dirname, "..", ".."), stdio: "inherit" });
}
