// How a program folder is laid out, as the Pulumi CLI reads it: Pulumi.yaml names the project
// (and may set `main`), package.json `main` is the entry otherwise, then index.ts / index.js.
// The program's OWN @pulumi/pulumi is used for everything (runtime settings are module-global).
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { isObject } from "./values";

export interface ProgramInfo {
  dir: string;
  project: string;
  /** Absolute path of the entry module. */
  main: string;
  /** Root of the program's installed @pulumi/pulumi. */
  pulumiDir: string;
  /** `require` resolving from the program folder. */
  require: NodeJS.Require;
}

function readJson(file: string): Record<string, unknown> {
  const v: unknown = JSON.parse(readFileSync(file, "utf8"));
  return isObject(v) ? v : {};
}

export function loadProgram(programDir: string): ProgramInfo {
  const dir = path.resolve(programDir);
  const req = createRequire(path.join(dir, "package.json"));
  const yamlFile = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  if (!yamlFile) throw new Error(`${dir} has no Pulumi.yaml`);
  let pulumiDir: string;
  try {
    pulumiDir = path.dirname(req.resolve("@pulumi/pulumi/package.json"));
  } catch {
    throw new Error(`${dir} has no @pulumi/pulumi installed (run npm install there)`);
  }
  // js-yaml is a dependency of @pulumi/pulumi, so every program has it.
  const yaml = createRequire(path.join(pulumiDir, "package.json"))("js-yaml") as { load(text: string): unknown };
  const doc = yaml.load(readFileSync(yamlFile, "utf8"));
  if (!isObject(doc) || typeof doc.name !== "string") throw new Error(`${yamlFile} has no project name`);
  const pkgFile = path.join(dir, "package.json");
  const pkgMain = existsSync(pkgFile) ? readJson(pkgFile).main : undefined;
  let main: string | undefined;
  if (typeof doc.main === "string") main = path.resolve(dir, doc.main);
  else if (typeof pkgMain === "string") main = path.resolve(dir, pkgMain);
  else main = ["index.ts", "index.js"].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  if (!main) throw new Error(`${dir}: no entry point (Pulumi.yaml main, package.json main, index.ts or index.js)`);
  return { dir, project: doc.name, main, pulumiDir, require: req };
}
