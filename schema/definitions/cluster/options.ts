import { configCalls, defineKind } from "../../define";

/** `cluster.Options`: datacenter-wide options (`/cluster/options`, datacenter.cfg). */
export const options = defineKind({
  namespace: "cluster",
  name: "Options",
  description:
    "Datacenter options (`/cluster/options`). A singleton: creating it sets the given options, deleting it " +
    "resets exactly the options it managed to PVE's defaults. Property strings are typed objects.",
  lifecycle: "singleton",
  singletonId: "cluster",
  identity: [],
  ...configCalls("/cluster/options"),
  fields: {
    description: { encoding: "comment-lines", doc: "A note on the datacenter (kept as comment lines at the top of datacenter.cfg)." },
    http_proxy: {
      secret: true,
      doc: "The proxy PVE uses for downloads (`http://<user>:<password>@<host>:<port>`). A secret: its userinfo may hold a password, and PVE returns it on read.",
    },
    bwlimit: { doc: "Default I/O bandwidth limits in KiB/s: `default`, and per operation `clone`, `migration`, `move` (disk move) and `restore`." },
    "consent-text": { doc: "A consent text shown in the GUI before login." },
    console: {
      doc: "The default console viewer: `html5` (noVNC), `xtermjs`, `vv` (SPICE via virt-viewer) or `applet` (deprecated, maps to `html5`); noVNC is the fallback.",
    },
    crs: {
      doc: "Cluster resource scheduling for HA: `ha` mode (`basic`, the default, `static` or `dynamic`), `haRebalanceOnStart` and the `haAutoRebalance*` settings.",
    },
    email_from: { doc: "The sender address of notification emails (PVE uses `root@<hostname>` when unset)." },
    fencing: { doc: "The HA fencing mode: `watchdog` (the default), `hardware` or `both` (the last two need /etc/pve/ha/fence.cfg and are experimental)." },
    ha: { doc: "Cluster-wide HA settings: `shutdownPolicy` on node shutdown, `freeze`, `failover`, `migrate` or `conditional` (the default)." },
    keyboard: { doc: "The default keyboard layout of the VNC console, e.g. `en-us` or `de`." },
    language: { doc: "The default language of the web GUI, e.g. `en` or `de`." },
    location: { doc: "The cluster's geographic location: `latitude` (-90..90) and `longitude` (-180..180) in degrees, and an optional `name`." },
    mac_prefix: {
      doc: "The prefix of auto-generated guest MAC addresses (default `BC:24:11`, the Proxmox OUI); use a longer one per cluster to avoid collisions.",
    },
    max_workers: { doc: "How many workers per node run at most in bulk actions such as stop-all or HA tasks (at least 1)." },
    migration: { doc: "Cluster-wide migration settings: `type` `secure` (SSH tunnel, the default) or `insecure`, and the `network` (CIDR) to migrate over." },
    migration_unsecure: { doc: "Migrate without the SSH tunnel. Deprecated: use `migration` with type `insecure`." },
    "next-id": { doc: "The range of free VMIDs PVE suggests: `lower` (inclusive, default 100) to `upper` (exclusive, default 1000000)." },
    notify: {
      doc: "Legacy notification settings (`fencing`, `replication`, `packageUpdates` and their `target*`); superseded by the notification system, only `packageUpdates` is still read.",
    },
    "registered-tags": { doc: "Tags that only users with `Sys.Modify` on `/` may set or remove, `;`-separated." },
    replication: {
      doc: "Cluster-wide replication settings: `type` `secure` (SSH tunnel, the default) or `insecure`, and the `network` (CIDR); unset falls back to `migration`'s network.",
    },
    "tag-style": { doc: "How the GUI shows tags: `shape` (`circle`, the default, `full`, `dense`, `none`), `colorMap`, `ordering` and `caseSensitive`." },
    u2f: { doc: "U2F settings: an `appid` and `origin` override (the origin is used by default)." },
    "user-tag-access": {
      doc: "Which tags users without `Sys.Modify` on `/` may set: `userAllow` `none`, `list`, `existing` or `free` (the default), with `userAllowList`.",
    },
    webauthn: {
      doc: "WebAuthn settings: relying party name `rp`, `origin`, `id` (a domain) and `allowSubdomains`; changing them may break existing credentials.",
    },
  },
});
