import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import {
  assertBlobKey,
  type BlobKey,
  type BlobSource,
  type BlobStat,
  type Blobs,
  BlobTooLargeError,
  chunksOf,
  type PutResult,
} from "./blobs.js";

/**
 * Blobs as files under a folder (by default `DATA_DIR/blobs`): `ab/cd/abcd…` by key. A put streams
 * into `tmp/` while hashing, fsyncs, then renames onto the key's path: rename is atomic on one file
 * system, so a reader never sees a partial file, and two puts of the same content race harmlessly
 * (the second rename replaces identical bytes). A crash leaves at most a temp file, removed at open.
 */
export class FileBlobs implements Blobs {
  private ready: Promise<void> | undefined;

  constructor(private readonly root: string) {}

  private init(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(join(this.root, "tmp"), { recursive: true });
      // Temp files are only ever half-written puts of a process that died.
      for (const name of await readdir(join(this.root, "tmp")))
        await rm(join(this.root, "tmp", name), { force: true });
    })();
    return this.ready;
  }

  private pathOf(key: BlobKey): string {
    assertBlobKey(key);
    return join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  async put(source: BlobSource, options: { maxBytes?: number } = {}): Promise<PutResult> {
    await this.init();
    const tmp = join(this.root, "tmp", `${process.pid}-${randomBytes(8).toString("hex")}`);
    const hash = createHash("sha256");
    let size = 0;
    const file = await open(tmp, "wx", 0o600);
    try {
      for await (const chunk of chunksOf(source)) {
        size += chunk.byteLength;
        if (options.maxBytes !== undefined && size > options.maxBytes)
          throw new BlobTooLargeError(options.maxBytes);
        hash.update(chunk);
        await file.write(chunk);
      }
      await file.sync();
    } catch (err) {
      await file.close();
      await rm(tmp, { force: true });
      throw err;
    }
    await file.close();
    const key = hash.digest("hex");
    const target = this.pathOf(key);
    if (await exists(target)) {
      await unlink(tmp);
      return { key, size, created: false };
    }
    await mkdir(join(target, ".."), { recursive: true });
    await rename(tmp, target);
    return { key, size, created: true };
  }

  async get(key: BlobKey): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async stream(key: BlobKey): Promise<Readable | undefined> {
    const path = this.pathOf(key);
    try {
      // Open first so a missing blob is an undefined, not a stream that errors later.
      const handle = await open(path, "r");
      return handle.createReadStream();
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async has(key: BlobKey): Promise<boolean> {
    return exists(this.pathOf(key));
  }

  async stat(key: BlobKey): Promise<BlobStat | undefined> {
    try {
      const s = await stat(this.pathOf(key));
      return { key, size: s.size, storedAt: s.mtime };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async delete(key: BlobKey): Promise<boolean> {
    try {
      await unlink(this.pathOf(key));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async *keys(): AsyncIterable<BlobKey> {
    await this.init();
    for (const a of await readdir(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(a)) continue;
      for (const b of await readdir(join(this.root, a))) {
        for (const name of await readdir(join(this.root, a, b))) if (/^[0-9a-f]{64}$/.test(name)) yield name;
      }
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isMissing(err)) return false;
    throw err;
  }
}

function isMissing(err: unknown): boolean {
  return (
    typeof err === "object" &&
    err !== null &&
    "code" in err &&
    (err.code === "ENOENT" || err.code === "ENOTDIR")
  );
}
