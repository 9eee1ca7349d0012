/** Read functions of `/storage`: the storage definitions and one of them (the family of `storage.Storage`). */
import { defineRead } from "../define";

/** `storage.getStorages`: every storage definition, optionally of one type. */
export const getStorages = defineRead({
  namespace: "storage",
  name: "getStorages",
  description: "Lists the storage definitions (`GET /storage`), optionally of one type.",
  path: "/storage",
  args: [{ pveName: "type", sdkName: "type", doc: "Only storages of this type.", optional: true }],
  objectOf: "storage:Storage",
});

/** `storage.getStorage`: one storage definition (without its secrets, which PVE never returns). */
export const getStorage = defineRead({
  namespace: "storage",
  name: "getStorage",
  description: "Reads one storage definition (`GET /storage/{storage}`); PVE never returns its secrets.",
  path: "/storage/{storage}",
  args: [{ pveName: "storage", sdkName: "storageId", doc: "The storage id." }],
  objectOf: "storage:Storage",
});
