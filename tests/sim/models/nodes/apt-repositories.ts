/**
 * `/nodes/{node}/apt/repositories`, as pve-manager `PVE/API2/APT.pm` (`repositories`,
 * `add_repository`, `change_repository`) hands it to the `proxmox-apt` crate (proxmox-rs
 * `proxmox-apt/src/api.rs`: `list_repositories`, `add_repository_handle`, `change_repository`;
 * `repositories/standard.rs`: the handles' names, descriptions, paths and URIs; the Rust source is
 * not in /work/src, it was read from the proxmox-rs repository) answers it on PVE 9 (Debian trixie):
 * the parsed repository files (deb822 `.sources`), each with its SHA-256 `digest` as a byte array,
 * a common hex `digest`, per-repository `infos`, and the standard repositories PVE offers with their
 * status (absent: not configured; true/false: enabled or not). POST changes whether the repository
 * at `path` + `index` is enabled; PUT adds a standard repository by `handle`, or enables it when it
 * is configured but disabled (an enabled one is left as it is). PVE has no call that removes one.
 */
import { createHash } from "node:crypto";
import type { SimContext, SimRequest } from "../../types";
import { assertDigest, pveDie } from "../config-text";
import type { Register } from "../generic-store";
import { perNode } from "../per-node";

/** One repository entry, with the keys PVE's API uses. */
interface Repository {
  Types: string[];
  URIs: string[];
  Suites: string[];
  Components: string[];
  Options: { Key: string; Values: string[] }[];
  Comment: string;
  FileType: "list" | "sources";
  /** Rust's bool through the Perl binding: 1 or 0 on the wire (like `standard-repos`' `status`). */
  Enabled: 0 | 1;
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

/** `APTRepositoryHandleImpl`: the PVE channels, then Ceph Squid's (the Ceph release PVE 9 offers). */
const STANDARD: readonly Standard[] = [
  {
    handle: "enterprise",
    name: "Enterprise",
    description: "This is the default, stable, and recommended repository, available for all Proxmox subscription users.",
    uri: `${ENTERPRISE}/pve`,
    legacyUris: [ENTERPRISE],
    component: "pve-enterprise",
    path: `${DIR}/pve-enterprise.sources`,
  },
  {
    handle: "no-subscription",
    name: "No-Subscription",
    description:
      "This is the recommended repository for testing and non-production use. Its packages are not as heavily tested and validated as the production ready enterprise repository. You don't need a subscription key to access this repository.",
    uri: `${DOWNLOAD}/pve`,
    legacyUris: [DOWNLOAD],
    component: "pve-no-subscription",
    path: `${DIR}/proxmox.sources`,
  },
  {
    handle: "test",
    name: "Test",
    description: "This repository contains the latest packages and is primarily used for test labs and by developers to test new features.",
    uri: `${DOWNLOAD}/pve`,
    legacyUris: [DOWNLOAD],
    component: "pve-test",
    legacyComponents: ["pvetest"],
    path: `${DIR}/proxmox.sources`,
  },
  {
    handle: "ceph-squid-enterprise",
    name: "Ceph Squid Enterprise",
    description: "This repository holds the production-ready Proxmox Ceph Squid packages.",
    uri: `${ENTERPRISE}/ceph-squid`,
    component: "enterprise",
    path: `${DIR}/ceph.sources`,
  },
  {
    handle: "ceph-squid-no-subscription",
    name: "Ceph Squid No-Subscription",
    description: "This repository holds the Proxmox Ceph Squid packages intended for non-production use.",
    uri: `${DOWNLOAD}/ceph-squid`,
    component: "no-subscription",
    path: `${DIR}/ceph.sources`,
  },
  {
    handle: "ceph-squid-test",
    name: "Ceph Squid Test",
    description: "This repository contains the Ceph Squid packages before they are moved to the main repository.",
    uri: `${DOWNLOAD}/ceph-squid`,
    component: "test",
    path: `${DIR}/ceph.sources`,
  },
];

function repo(uri: string, suites: string[], components: string[], key: string): Repository {
  return {
    Types: ["deb"],
    URIs: [uri],
    Suites: suites,
    Components: components,
    Options: [{ Key: "Signed-By", Values: [key] }],
    Comment: "",
    FileType: "sources",
    Enabled: 1,
  };
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
      files: files.map((f) => ({
        path: f.path,
        "file-type": "sources",
        digest: [...sha256(render(f))],
        repositories: f.repositories.map((r) => structuredClone(r)),
      })),
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
        // `status` is Rust's Option<bool> through the Perl binding: absent, 1 or 0.
        const status = matches.length === 0 ? undefined : matches.some((r) => r.Enabled) ? 1 : 0;
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
      if (req.params.enabled !== undefined) target.Enabled = truthy(req.params.enabled) ? 1 : 0;
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
        configured.Enabled = 1;
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
