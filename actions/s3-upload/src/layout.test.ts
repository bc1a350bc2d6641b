import { chooseLayout, MiB } from './layout';

describe('chooseLayout', () => {
  it.each([
    // size, part size (MiB), parts, in flight
    [1000, 'one PUT', 1, 1],
    [16 * MiB, 'one PUT', 1, 1],
    [16 * MiB + 1, 8, 3, 3],
    [64 * MiB, 8, 8, 8],
    [256 * MiB, 13, 20, 10],
    [5 * 1024 * MiB, 64, 80, 8],
    [1024 * 1024 * MiB, 105, 9987, 4],
  ])(
    'cuts %d bytes into parts of %s MiB: %d parts, %d in flight',
    (size, partMb, parts, flight) => {
      const layout = chooseLayout(size);
      expect(layout.multipart).toBe(partMb !== 'one PUT');
      if (partMb !== 'one PUT') expect(layout.partSize).toBe(Number(partMb) * MiB);
      expect(layout.parts).toBe(parts);
      expect(layout.concurrency).toBe(flight);
    },
  );

  it("never needs more than 10,000 parts, S3's limit", () => {
    for (const size of [80 * 1024 * MiB, 5 * 1024 * 1024 * MiB]) {
      expect(chooseLayout(size).parts).toBeLessThanOrEqual(10_000);
    }
  });

  it('keeps the parts in flight within the memory budget', () => {
    const layout = chooseLayout(5 * 1024 * MiB);
    expect(layout.partSize * layout.concurrency).toBeLessThanOrEqual(512 * MiB);
  });

  it('takes the inputs over the choice: files up to one part go in one PUT', () => {
    expect(chooseLayout(17 * MiB, { partSizeMb: 5, concurrency: 3 })).toEqual({
      partSize: 5 * MiB,
      parts: 4,
      concurrency: 3,
      multipart: true,
    });
    expect(chooseLayout(5 * MiB, { partSizeMb: 5 }).multipart).toBe(false);
    expect(chooseLayout(2 * MiB, { concurrency: 4 }).concurrency).toBe(1);
  });
});
