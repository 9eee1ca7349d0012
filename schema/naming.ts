/** The mechanical mapping between PVE's kebab/snake parameter names and the SDK's camelCase. */

/** `consent-text` → `consentText`, `mac_prefix` → `macPrefix`, `net[n]` → `net`. */
export function toCamel(pveName: string): string {
  return pveName.replace(/\[n\]$/, "").replace(/[-_]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `User` in namespace `access` → `access:User` (the kind key used across the engine). */
export function kindKey(namespace: string, name: string): string {
  return `${namespace}:${name}`;
}

/** `userId` → `user_id`, `dns1` → `dns1`, `ApiToken` → `api_token`: Terraform's names for SDK names. */
export function toSnake(sdkName: string): string {
  return sdkName
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[-\s]+/g, "_")
    .toLowerCase();
}
