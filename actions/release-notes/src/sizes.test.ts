import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { imageSize } from './sizes';

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const INDEX = 'application/vnd.oci.image.index.v1+json';

describe('imageSize', () => {
  let layout: string;
  beforeEach(() => {
    layout = mkdtempSync(path.join(os.tmpdir(), 'layout-'));
    mkdirSync(path.join(layout, 'blobs', 'sha256'), { recursive: true });
  });
  afterEach(() => rmSync(layout, { recursive: true, force: true }));

  /** Writes a JSON blob; returns its descriptor. */
  const blob = (value: unknown, mediaType: string, extra: Record<string, unknown> = {}) => {
    const text = JSON.stringify(value);
    const hex = createHash('sha256').update(text).digest('hex');
    writeFileSync(path.join(layout, 'blobs', 'sha256', hex), text);
    return { mediaType, digest: `sha256:${hex}`, size: text.length, ...extra };
  };
  const descriptor = (size: number) => ({
    mediaType: 'x',
    digest: `sha256:${'0'.repeat(64)}`,
    size,
  });
  const index = (manifests: unknown[]) =>
    writeFileSync(path.join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));

  it('adds the config and the layers of the image manifest', async () => {
    index([
      blob(
        { mediaType: MANIFEST, config: descriptor(100), layers: [descriptor(200), descriptor(50)] },
        MANIFEST,
      ),
    ]);
    await expect(imageSize(layout)).resolves.toBe(350);
  });

  it("goes through buildx's image index, past its attestation manifest", async () => {
    const attestation = blob(
      { mediaType: MANIFEST, config: descriptor(1), layers: [descriptor(9000)] },
      MANIFEST,
      {
        annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
      },
    );
    const image = blob(
      { mediaType: MANIFEST, config: descriptor(10), layers: [descriptor(20)] },
      MANIFEST,
    );
    index([blob({ mediaType: INDEX, manifests: [attestation, image] }, INDEX)]);
    await expect(imageSize(layout)).resolves.toBe(30);
  });

  it('refuses a manifest whose layer has no size', async () => {
    index([
      blob(
        { mediaType: MANIFEST, config: descriptor(100), layers: [{ digest: 'sha256:x' }] },
        MANIFEST,
      ),
    ]);
    await expect(imageSize(layout)).rejects.toThrow(
      'the image manifest has a descriptor without a size',
    );
  });
});
