/** The mechanical mapping between PVE's kebab/snake parameter names and the SDK's camelCase. */

/** `consent-text` → `consentText`, `mac_prefix` → `macPrefix`, `net[n]` → `net`. */
export function toCamel(pveName: string): string {
  return pveName.replace(/\[n\]$/, "").replace(/[-_]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `User` in namespace `access` → `access:User` (the kind key used across the engine). */
export function kindKey(namespace: string, name: string): string {
  return `${namespace}:${name}`;
}
