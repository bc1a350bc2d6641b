import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toolPath } from './paths';

describe('toolPath', () => {
  it('finds a tool on PATH when the bootstrap did not install it into .tools/bin', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'path-'));
    writeFileSync(path.join(dir, 'only-on-path-tool'), '');
    expect(toolPath('only-on-path-tool', `/nonexistent${path.delimiter}${dir}`)).toBe(
      path.join(dir, 'only-on-path-tool'),
    );
  });

  it('names the bootstrap when the tool is nowhere', () => {
    expect(() => toolPath('no-such-tool-anywhere', '/nonexistent')).toThrow(
      /not installed at .*\.tools\/bin\/no-such-tool-anywhere nor on PATH. Run: bash scripts\/bootstrap.sh/,
    );
  });
});
