/**
 * `/nodes/{node}/apt/repositories`, as the `proxmox-apt` crate answers it on PVE 9 (Debian trixie):
 * the parsed repository files (deb822 `.sources`), each with its SHA-256 `digest` as a byte array,
 * a common hex `digest`, per-repository `infos`, and the standard repositories PVE offers with their
 * status (absent: not configured; true/false: enabled or not). POST changes whether the repository
 * at `path` + `index` is enabled; PUT adds a standard repository by `handle`, or enables it when it
 * is configured but disabled (an enabled one is left as it is). PVE has no call that removes one.
 */
import { createHash } from "node:crypto";
import type { SimContext, SimRequest } from "../types";
import { assertDigest, pveDie } from "./config-text";
import type { Register } from "./generic-store";
import { perNode } from "./per-node";

/** One repository entry, with the keys PVE's API uses. */
interface Repository {
  Types: string[];
  URIs: string[];
  Suites: string[];
  Components: string[];
  Options: { Key: string; Values: string[] }[];
  Comment: string;
  FileType: "list" | "sources";
  Enabled: boolean;
}

interface RepoFile {
  readonly path: string;
  readonly repositories: Repository[];
}

const SUITE = "trixie";
const DIR = "/etc/apt/sources.list.d";
const DEBIAN_KEY = "/usr/share/keyrings/debian-archive-keyring.gpg";
const PROXMOX_KEY = "/usr/share/keyrings/proxmox-archive-keyring.gpg";
const ENTERPRISE = "https://enterprise.proxmox.com/debian";
const DOWNLOAD = "http://download.proxmox.com/debian";

/** A standard repository PVE offers on trixie: its handle, where it goes and how it is recognized. */
interface Standard {
  readonly handle: string;
  readonly name: string;
  readonly description: string;
  readonly uri: string;
  /** Older URIs still recognized (PVE's own repositories without the `/pve` suffix). */
  readonly legacyUris?: readonly string[];
  readonly component: string;
  /** Older spellings still recognized (`pvetest`). */
  readonly legacyComponents?: readonly string[];
  readonly path: string;
}

const CHANNELS = [
  { kebab: "enterprise", title: "Enterprise", domain: ENTERPRISE, host: "The default, stable and recommended repository, for subscription users." },
  { kebab: "no-subscription", title: "No-Subscription", domain: DOWNLOAD, host: "For testing and non-production use; no subscription key needed." },
  { kebab: "test", title: "Test", domain: DOWNLOAD, host: "The latest packages, for test labs and developers." },
] as const;

/** PVE's own channels, then Ceph Squid's and Tentacle's (the Ceph releases PVE 9 offers). */
const STANDARD: readonly Standard[] = [
  ...CHANNELS.map((c) => ({
    handle: c.kebab,
    name: c.title,
    description: c.host,
    uri: `${c.domain}/pve`,
    legacyUris: [c.domain],
    component: `pve-${c.kebab}`,
    ...(c.kebab === "test" ? { legacyComponents: ["pvetest"] } : {}),
    path: c.kebab === "enterprise" ? `${DIR}/pve-enterprise.sources` : `${DIR}/proxmox.sources`,
  })),
  ...["Squid", "Tentacle"].flatMap((release) =>
    CHANNELS.map((c) => ({
      handle: `ceph-${release.toLowerCase()}-${c.kebab}`,
      name: `Ceph ${release} ${c.title}`,
      description: `Proxmox Ceph ${release} packages (${c.title.toLowerCase()} channel).`,
      uri: `${c.domain}/ceph-${release.toLowerCase()}`,
      component: c.kebab,
      path: `${DIR}/ceph.sources`,
    })),
  ),
];

function repo(uri: string, suites: string[], components: string[], key: string): Repository {
  return { Types: ["deb"], URIs: [uri], Suites: suites, Components: components, Options: [{ Key: "Signed-By", Values: [key] }], Comment: "", FileType: "sources", Enabled: true };
}

/** What a fresh PVE 9 installation ships. */
function seed(): RepoFile[] {
  const debian = ["main", "contrib", "non-free-firmware"];
  return [
    {
      path: `${DIR}/debian.sources`,
      repositories: [
        repo("http://deb.debian.org/debian/", [SUITE, `${SUITE}-updates`], debian, DEBIAN_KEY),
        repo("http://security.debian.org/debian-security/", [`${SUITE}-security`], debian, DEBIAN_KEY),
      ],
    },
    { path: `${DIR}/pve-enterprise.sources`, repositories: [repo(`${ENTERPRISE}/pve`, [SUITE], ["pve-enterprise"], PROXMOX_KEY)] },
    { path: `${DIR}/ceph.sources`, repositories: [repo(`${ENTERPRISE}/ceph-squid`, [SUITE], ["enterprise"], PROXMOX_KEY)] },
  ];
}

/** The deb822 text of a file, which its digest is taken over. */
function render(file: RepoFile): string {
  return file.repositories
    .map((r) =>
      [
        ...(r.Comment ? r.Comment.split("\n").map((line) => `# ${line}`) : []),
        `Types: ${r.Types.join(" ")}`,
        `URIs: ${r.URIs.join(" ")}`,
        `Suites: ${r.Suites.join(" ")}`,
        `Components: ${r.Components.join(" ")}`,
        ...r.Options.map((o) => `${o.Key}: ${o.Values.join(" ")}`),
        ...(r.Enabled ? [] : ["Enabled: false"]),
      ].join("\n"),
    )
    .join("\n\n")
    .concat("\n");
}

const sha256 = (data: Buffer | string): Buffer => createHash("sha256").update(data).digest();

/** The common digest: SHA-256 over the files' digests in path order (hex). */
function commonDigest(files: readonly RepoFile[]): string {
  const sorted = [...files].sort((a, b) => a.path.localeCompare(b.path));
  return sha256(Buffer.concat(sorted.map((f) => sha256(render(f))))).toString("hex");
}

function isStandard(standard: Standard, r: Repository): boolean {
  const components = [standard.component, ...(standard.legacyComponents ?? [])];
  return (
    r.Types.includes("deb") &&
    r.Suites.includes(SUITE) &&
    r.Components.some((c) => components.includes(c)) &&
    r.URIs.some((u) => [standard.uri, ...(standard.legacyUris ?? [])].includes(u.replace(/\/+$/, "")))
  );
}

function origin(r: Repository): string | undefined {
  if (r.URIs.some((u) => /proxmox\.com/.test(u))) return "Proxmox";
  if (r.URIs.some((u) => /debian\.org/.test(u))) return "Debian";
  return undefined;
}

const truthy = (value: unknown): boolean => value === true || value === 1 || value === "1" || value === "true";

/** Registers GET/POST/PUT of `/nodes/{node}/apt/repositories`. */
export function installAptRepositories(register: Register, ctx: SimContext): void {
  const filesOf = perNode(seed);
  const template = "/nodes/{node}/apt/repositories";
  const lockId = (req: SimRequest): string => `apt-repositories-${String(req.params.node)}`;

  register("GET", template, (req) => {
    const files = [...filesOf(req.params.node)].sort((a, b) => a.path.localeCompare(b.path));
    const all = files.flatMap((f) => f.repositories);
    return {
      files: files.map((f) => ({ path: f.path, "file-type": "sources", digest: [...sha256(render(f))], repositories: f.repositories.map((r) => structuredClone(r)) })),
      errors: [],
      digest: commonDigest(files),
      infos: files.flatMap((f) =>
        f.repositories.flatMap((r, index) => {
          const from = origin(r);
          return from ? [{ path: f.path, index: String(index), kind: "origin", message: from }] : [];
        }),
      ),
      "standard-repos": STANDARD.map((s) => {
        const matches = all.filter((r) => isStandard(s, r));
        const status = matches.length === 0 ? undefined : matches.some((r) => r.Enabled);
        return { handle: s.handle, name: s.name, description: s.description, ...(status === undefined ? {} : { status }) };
      }),
    };
  });

  /** A write under the node's lock, after proxmox-apt's digest check. */
  const write = (change: (files: RepoFile[], req: SimRequest) => null) => (req: SimRequest) =>
    ctx.withLock(lockId(req), () => {
      const files = filesOf(req.params.node);
      // proxmox-apt words a stale digest like PVE::Tools::assert_if_modified.
      assertDigest(commonDigest(files), req.params.digest);
      return change(files, req);
    });

  register(
    "POST",
    template,
    write((files, req) => {
      const path = String(req.params.path);
      const file = files.find((f) => f.path === path);
      if (!file) throw pveDie(`invalid path - ${path}`);
      const index = Number(req.params.index);
      const target = file.repositories[index];
      if (!target) throw pveDie(`invalid index - ${index}`);
      if (req.params.enabled !== undefined) target.Enabled = truthy(req.params.enabled);
      return null;
    }),
  );

  register(
    "PUT",
    template,
    write((files, req) => {
      const handle = String(req.params.handle);
      const standard = STANDARD.find((s) => s.handle === handle);
      if (!standard) throw pveDie(`unknown repository handle '${handle}'`);
      // Already configured: enabling it is all there is to do (an enabled one stays as it is).
      const configured = files.flatMap((f) => f.repositories).find((r) => isStandard(standard, r));
      if (configured) {
        configured.Enabled = true;
        return null;
      }
      let file = files.find((f) => f.path === standard.path);
      if (!file) {
        file = { path: standard.path, repositories: [] };
        files.push(file);
      }
      file.repositories.push(repo(standard.uri, [SUITE], [standard.component], PROXMOX_KEY));
      return null;
    }),
  );
}
