import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';

/** Where attachment bytes live. A folder under the data folder now; an object store can take its place. */
export interface AttachmentStore {
  /** Streams `source` in, refusing more than `maxBytes`; returns the key, size, hash and the first bytes (for type detection). */
  put(source: Readable, maxBytes: number): Promise<StoredObject>;
  open(key: string): Readable;
  remove(key: string): Promise<void>;
}

export interface StoredObject {
  key: string;
  size: number;
  sha256: string;
  head: Buffer;
}

export class TooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`larger than ${maxBytes} bytes`);
  }
}

const HEAD_BYTES = 4100;

export function fileSystemStore(root: string): AttachmentStore {
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  const pathOf = (key: string) => {
    if (!/^[0-9a-f-]{36}$/.test(key)) throw new Error('bad storage key');
    return path.join(root, key.slice(0, 2), key);
  };
  return {
    async put(source, maxBytes) {
      const key = randomUUID();
      const target = pathOf(key);
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      const partial = `${target}.partial`;
      const hash = createHash('sha256');
      let size = 0;
      const headChunks: Buffer[] = [];
      let headSize = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          if (size > maxBytes) return done(new TooLargeError(maxBytes));
          hash.update(chunk);
          if (headSize < HEAD_BYTES) {
            headChunks.push(chunk.subarray(0, HEAD_BYTES - headSize));
            headSize += Math.min(chunk.length, HEAD_BYTES - headSize);
          }
          done(null, chunk);
        },
      });
      const sink = fs.createWriteStream(partial, { mode: 0o600, flags: 'wx' });
      try {
        // Written under a temporary name and renamed: a crash never leaves a half file under a real key.
        await pipeline(source, meter, sink);
        fs.renameSync(partial, target);
      } catch (error) {
        // The file is opened asynchronously: wait until the sink is closed, or it may appear after the removal.
        if (!sink.closed) await new Promise<void>((resolve) => sink.once('close', () => resolve()));
        fs.rmSync(partial, { force: true });
        source.resume();
        throw error;
      }
      return { key, size, sha256: hash.digest('hex'), head: Buffer.concat(headChunks) };
    },
    open(key) {
      return fs.createReadStream(pathOf(key));
    },
    async remove(key) {
      fs.rmSync(pathOf(key), { force: true });
    },
  };
}
