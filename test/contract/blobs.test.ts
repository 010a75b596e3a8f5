import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileBlobs } from "../../src/platform/blobs/file-blobs.js";
import { MemoryBlobs } from "../../src/platform/blobs/memory-blobs.js";
import { blobsContract } from "./blobs.contract.js";

blobsContract({
  name: "files",
  newStore: async () => {
    const dir = await mkdtemp(join(tmpdir(), "readlog-blobs-"));
    return { blobs: new FileBlobs(dir), dispose: () => rm(dir, { recursive: true, force: true }) };
  },
});

blobsContract({
  name: "memory",
  newStore: async () => ({ blobs: new MemoryBlobs(), dispose: async () => {} }),
});

describe("FileBlobs on disk", () => {
  it("lays files out as ab/cd/<key>, leaves no temp file, and clears a dead put's temp file at open", async () => {
    const dir = await mkdtemp(join(tmpdir(), "readlog-blobs-"));
    try {
      const blobs = new FileBlobs(dir);
      const { key } = await blobs.put(Buffer.from("x"));
      expect(await readdir(join(dir, key.slice(0, 2), key.slice(2, 4)))).toEqual([key]);
      expect(await readdir(join(dir, "tmp"))).toEqual([]);
      await writeFile(join(dir, "tmp", "123-deadbeef"), "half a page");
      const reopened = new FileBlobs(dir);
      await reopened.has(key);
      await reopened.put(Buffer.from("y"));
      expect(await readdir(join(dir, "tmp"))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
