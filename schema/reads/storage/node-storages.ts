/** Read functions of `/nodes/{node}/storage`: the storages one node sees, and one storage's status there. */
import { defineRead } from "../define";

/** `storage.getNodeStorages`: the storages one node sees, with their usage. */
export const getNodeStorages = defineRead({
  namespace: "storage",
  name: "getNodeStorages",
  description: "The storages one node sees, with their usage (`GET /nodes/{node}/storage`).",
  path: "/nodes/{node}/storage",
  args: [
    { pveName: "node", sdkName: "node", doc: "The node." },
    { pveName: "content", sdkName: "content", doc: "Only storages holding this content type.", optional: true },
    { pveName: "enabled", sdkName: "enabled", doc: "Only enabled storages.", optional: true },
  ],
});

/** `storage.getNodeStorageStatus`: one storage's status on one node. */
export const getNodeStorageStatus = defineRead({
  namespace: "storage",
  name: "getNodeStorageStatus",
  description: "One storage's status on one node: active, total, used, available (`GET /nodes/{node}/storage/{storage}/status`).",
  path: "/nodes/{node}/storage/{storage}/status",
  args: [
    { pveName: "node", sdkName: "node", doc: "The node." },
    { pveName: "storage", sdkName: "storageId", doc: "The storage id." },
  ],
});
