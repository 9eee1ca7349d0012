/**
 * The provider object that Pulumi serializes into every resource's state. It is deliberately
 * thin: each method `require`s the stable runtime entry point at call time and passes the kind
 * name, so the serialized text is small, holds no credential and no live object, and old states
 * run the installed version's code on refresh and destroy.
 */
import type * as pulumi from "@pulumi/pulumi";

const shims = new Map<string, pulumi.dynamic.ResourceProvider>();

/* eslint-disable @typescript-eslint/no-require-imports -- the serialized closures must require at call time */
function makeShim(kind: string): pulumi.dynamic.ResourceProvider {
  return {
    configure: (req) => require("@naas/pulumi-proxmox/runtime").configure(req),
    check: (olds, news) => require("@naas/pulumi-proxmox/runtime").check(kind, olds, news),
    diff: (id, olds, news) => require("@naas/pulumi-proxmox/runtime").diff(kind, id, olds, news),
    create: (inputs) => require("@naas/pulumi-proxmox/runtime").create(kind, inputs),
    read: (id, props) => require("@naas/pulumi-proxmox/runtime").read(kind, id, props),
    update: (id, olds, news) => require("@naas/pulumi-proxmox/runtime").update(kind, id, olds, news),
    delete: (id, props) => require("@naas/pulumi-proxmox/runtime").remove(kind, id, props),
  };
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** The one provider object per kind, so Pulumi serializes it once and every resource of the kind shares it. */
export function providerFor(kind: string): pulumi.dynamic.ResourceProvider {
  let shim = shims.get(kind);
  if (!shim) {
    shim = makeShim(kind);
    shims.set(kind, shim);
  }
  return shim;
}
