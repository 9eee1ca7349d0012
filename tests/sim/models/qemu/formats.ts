/**
 * Sub-keys of the named property-string formats qemu-server registers (the compact schema keeps
 * only their names): `pve-qm-boot` (`QemuServer.pm` `$boot_fmt`), `pve-qm-hostpci` (`PCI.pm`),
 * `pve-qm-rng` (`RNG.pm`), `pve-qm-ipconfig` (`Network.pm`). Types matter only for booleans.
 */
import type { SubKeys } from "../property-string";
import { subKeys } from "./confdesc";

const str = { type: "string", optional: true } as const;
const bool = { type: "boolean", optional: true } as const;

/** `$boot_fmt`: `legacy` is the default key, `order` the device list. */
export const BOOT_FORMAT: SubKeys = { legacy: { type: "string", default_key: 1, optional: true }, order: str };

/** `$hostpci_fmt`. */
export const HOSTPCI_FORMAT: SubKeys = {
  host: { type: "string", default_key: 1, optional: true },
  mapping: str,
  rombar: bool,
  romfile: str,
  pcie: bool,
  "x-vga": bool,
  "legacy-igd": bool,
  mdev: str,
  "vendor-id": str,
  "device-id": str,
  "sub-vendor-id": str,
  "sub-device-id": str,
  driver: str,
};

/** `$rng_fmt`. */
export const RNG_FORMAT: SubKeys = { source: { type: "string", default_key: 1 }, max_bytes: str, period: str };

/** `$ipconfig_fmt`. */
export const IPCONFIG_FORMAT: SubKeys = { ip: str, gw: str, ip6: str, gw6: str };

/** The virtiofs format is inline in the schema. */
export const VIRTIOFS_FORMAT: SubKeys = subKeys("virtiofs0") ?? {};
