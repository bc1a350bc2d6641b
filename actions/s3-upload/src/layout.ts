/**
 * How a file is cut for upload, from its size: one PUT up to SINGLE_PUT_MAX_BYTES, else parts.
 * Bigger files get bigger parts (fewer requests, S3's 10,000-part limit respected) and as many
 * parts in flight as the memory budget allows, up to the AWS CLI's 10. Each part in flight is held
 * in memory once (it is hashed and sent from the same buffer). The inputs override the choice.
 */
export const MiB = 1024 * 1024;
/** Files up to this size go in one PUT (one request beats two parts). */
export const SINGLE_PUT_MAX_BYTES = 16 * MiB;
const MIN_PART = 8 * MiB;
/** Bigger parts only when the 10,000-part limit needs them. */
const MAX_AUTO_PART = 64 * MiB;
const MAX_PARTS = 10_000;
const MAX_IN_FLIGHT = 10;
/** Parts in flight times part size stays under this. */
const MEMORY_BUDGET = 512 * MiB;

export interface Layout {
  /** Bytes per part (the last is shorter); the whole file when it goes in one PUT. */
  partSize: number;
  parts: number;
  concurrency: number;
  multipart: boolean;
}

export interface LayoutOverrides {
  partSizeMb?: number;
  concurrency?: number;
}

export function chooseLayout(size: number, overrides: LayoutOverrides = {}): Layout {
  const partSize =
    overrides.partSizeMb !== undefined ? overrides.partSizeMb * MiB : autoPartSize(size);
  const singlePut =
    overrides.partSizeMb !== undefined ? size <= partSize : size <= SINGLE_PUT_MAX_BYTES;
  if (singlePut) return { partSize: Math.max(size, 1), parts: 1, concurrency: 1, multipart: false };
  const parts = Math.ceil(size / partSize);
  const byMemory = Math.max(1, Math.floor(MEMORY_BUDGET / partSize));
  const concurrency = Math.min(parts, overrides.concurrency ?? Math.min(MAX_IN_FLIGHT, byMemory));
  return { partSize, parts, concurrency, multipart: true };
}

/**
 * 8 MiB parts (the CLI's) up to 160 MiB, then about 20 parts (two rounds of 10 in flight), in
 * whole MiB, up to 64 MiB parts; and never so small that the file needs more than 10,000 parts.
 */
function autoPartSize(size: number): number {
  const forRounds = Math.ceil(size / (2 * MAX_IN_FLIGHT) / MiB) * MiB;
  const forLimit = Math.ceil(size / MAX_PARTS / MiB) * MiB;
  return Math.max(MIN_PART, Math.min(forRounds, MAX_AUTO_PART), forLimit);
}
