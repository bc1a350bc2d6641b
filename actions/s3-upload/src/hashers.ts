/**
 * SHA-256 off the main thread: two worker threads, one hashing the whole file as its parts arrive
 * in order, the other each part on its own. A multipart upload needs both digests of every byte
 * (the whole file's for the deploy, each part's for S3); on the main thread they would take turns
 * with sending, and on a busy machine one thread gets one thread's share of the CPU. The bytes are
 * shared, not copied: parts live in SharedArrayBuffers (`sharedBuffer`), which a worker reads in
 * place. The threads start on first use (or `start()`), so a single PUT never starts them.
 */
import type { FileDigests } from '@pipelines/shared/src/checksum';
import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { readPart } from './file';

// Evaluated in each worker: named incremental hashes ("update" in the order posted, "digest"
// ends one) and one-shot digests. Plain CommonJS: the bundle has no separate worker file.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const streams = new Map();
parentPort.on('message', ({ id, op, stream, bytes }) => {
  try {
    if (op === 'update') {
      if (!streams.has(stream)) streams.set(stream, createHash('sha256'));
      streams.get(stream).update(bytes);
      parentPort.postMessage({ id });
    } else if (op === 'digest') {
      const hash = streams.get(stream) ?? createHash('sha256');
      streams.delete(stream);
      parentPort.postMessage({ id, digest: hash.digest() });
    } else {
      parentPort.postMessage({ id, digest: createHash('sha256').update(bytes).digest() });
    }
  } catch (error) {
    parentPort.postMessage({ id, error: String(error) });
  }
});
`;

interface Reply {
  id: number;
  digest?: Uint8Array;
  error?: string;
}

type Request =
  | { op: 'update'; stream: number; bytes: Uint8Array }
  | { op: 'digest'; stream: number }
  | { op: 'oneShot'; bytes: Uint8Array };

/** A buffer the workers can read without a copy (its memory is shared with them). */
export function sharedBuffer(size: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(size));
}

/** An incremental SHA-256 on the whole-file thread: bytes are hashed in the order given. */
export interface WholeHash {
  /** Resolves once the thread has hashed these bytes (their buffer may then be reused). */
  update(bytes: Uint8Array): Promise<void>;
  /** The digest of everything given before. */
  digest(): Promise<Buffer>;
}

/** Parts of a file read into shared buffers and hashed on the threads at once. */
const FILE_READ_AHEAD = 3;

export class Sha256Workers {
  private threads?: { whole: Worker; parts: Worker };
  private readonly pending = new Map<
    number,
    { resolve: (reply: Reply) => void; reject: (error: Error) => void }
  >();
  private nextId = 0;
  private nextStream = 0;
  private failure?: Error;

  /** Starts the threads now (they take a moment to boot), instead of at first use. */
  start(): { whole: Worker; parts: Worker } {
    this.threads ??= { whole: this.spawn(), parts: this.spawn() };
    return this.threads;
  }

  /** A new whole-file hash; each has its own state, so two never mix. */
  wholeHash(): WholeHash {
    const stream = this.nextStream++;
    return {
      update: async (bytes) => {
        await this.call('whole', { op: 'update', stream, bytes });
      },
      digest: async () => digestOf(await this.call('whole', { op: 'digest', stream })),
    };
  }

  /** The SHA-256 of one part. */
  async digestPart(bytes: Uint8Array): Promise<Buffer> {
    return digestOf(await this.call('parts', { op: 'oneShot', bytes }));
  }

  /**
   * The whole-file and per-part digests of a file of `size` bytes cut into parts of `partSize`
   * (as S3 computes them for a multipart upload), the two hashed side by side.
   */
  async digestFile(path: string, size: number, partSize: number): Promise<FileDigests> {
    const whole = this.wholeHash();
    const parts: Promise<Buffer>[] = [];
    const spare: Buffer[] = [];
    const inFlight = new Set<Promise<void>>();
    const file = await open(path, 'r');
    try {
      for (let position = 0; position < size; position += partSize) {
        const buffer = spare.pop() ?? sharedBuffer(partSize);
        const bytes = await readPart(file, position, Math.min(partSize, size - position), buffer);
        const part = this.digestPart(bytes);
        parts.push(part);
        const hashed: Promise<void> = Promise.all([whole.update(bytes), part]).then(() => {
          inFlight.delete(hashed);
          spare.push(buffer);
        });
        hashed.catch(() => undefined); // awaited below (or the read failed first)
        inFlight.add(hashed);
        if (inFlight.size >= FILE_READ_AHEAD) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      return {
        sha256: (await whole.digest()).toString('hex'),
        partDigests: await Promise.all(parts),
      };
    } finally {
      await file.close();
    }
  }

  /** Ends the threads; calls still waiting fail. */
  async close(): Promise<void> {
    const threads = this.threads;
    if (!threads) return;
    this.fail(new Error('the hashing threads were closed'));
    await Promise.all([threads.whole.terminate(), threads.parts.terminate()]);
  }

  private spawn(): Worker {
    // Not unref'd: while the upload awaits a digest, a thread may be all that keeps the process
    // alive. close() ends them.
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.error !== undefined) waiting?.reject(new Error(`hashing failed: ${reply.error}`));
      else waiting?.resolve(reply);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`a hashing thread exited (code ${code})`)));
    return worker;
  }

  private call(thread: 'whole' | 'parts', request: Request): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const worker = this.start()[thread];
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...request });
    });
  }

  /** A thread that fails or exits fails every call waiting on either, and every later one. */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }
}

function digestOf(reply: Reply): Buffer {
  if (!reply.digest) throw new Error('a hashing thread answered without a digest');
  return Buffer.from(reply.digest.buffer, reply.digest.byteOffset, reply.digest.byteLength);
}
