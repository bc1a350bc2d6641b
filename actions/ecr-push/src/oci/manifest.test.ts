import { parseManifest } from './manifest';
import { OCI_CONFIG, OCI_INDEX, OCI_LAYER_GZIP, OCI_MANIFEST } from './mediaTypes';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));
const config = { mediaType: OCI_CONFIG, digest: D('1'), size: 10 };
const layer = { mediaType: OCI_LAYER_GZIP, digest: D('2'), size: 20 };

describe('parseManifest', () => {
  it('reads an image manifest into its config and layers', () => {
    expect(
      parseManifest(
        bytes({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] }),
        OCI_MANIFEST,
        'm',
      ),
    ).toEqual({ kind: 'image', mediaType: OCI_MANIFEST, config, layers: [layer] });
  });

  it('takes the media type from the descriptor when the document omits it', () => {
    expect(
      parseManifest(bytes({ schemaVersion: 2, config, layers: [] }), OCI_MANIFEST, 'm').mediaType,
    ).toBe(OCI_MANIFEST);
  });

  it('reads an index into its child manifests', () => {
    const child = { mediaType: OCI_MANIFEST, digest: D('3'), size: 300 };
    expect(
      parseManifest(
        bytes({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [child] }),
        undefined,
        'i',
      ),
    ).toEqual({
      kind: 'index',
      mediaType: OCI_INDEX,
      manifests: [child],
    });
  });

  it.each([
    ['not JSON', Buffer.from('{'), /is not JSON/],
    ['schema 1', bytes({ schemaVersion: 1 }), /schemaVersion 1/],
    [
      'a media type disagreeing with its descriptor',
      bytes({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }),
      /says mediaType/,
    ],
    [
      'an unknown layer media type',
      bytes({ schemaVersion: 2, config, layers: [{ ...layer, mediaType: 'application/x-foo' }] }),
      /unknown layer media type "application\/x-foo"/,
    ],
    [
      'an unknown config media type',
      bytes({ schemaVersion: 2, config: { ...config, mediaType: 'text/plain' }, layers: [] }),
      /unknown config media type/,
    ],
    [
      'a bad digest',
      bytes({ schemaVersion: 2, config: { ...config, digest: 'md5:x' }, layers: [] }),
      /expected sha256/,
    ],
    [
      'a negative size',
      bytes({ schemaVersion: 2, config, layers: [{ ...layer, size: -1 }] }),
      /invalid size/,
    ],
    ['no layers', bytes({ schemaVersion: 2, config }), /no layers array/],
  ])('refuses %s', (_name, input, problem) => {
    expect(() => parseManifest(input, OCI_MANIFEST, 'm')).toThrow(problem);
  });

  it('refuses a manifest of an unknown media type', () => {
    expect(() =>
      parseManifest(
        bytes({ schemaVersion: 2, mediaType: 'application/vnd.foo+json' }),
        undefined,
        'm',
      ),
    ).toThrow(/unknown manifest media type/);
  });
});
