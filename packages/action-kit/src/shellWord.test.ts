import { execFileSync } from 'node:child_process';
import { shellWord } from './shellWord';

describe('shellWord', () => {
  it.each([
    ['refs/tags/v1.2.3', 'refs/tags/v1.2.3'],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['$(rm -rf /)', "'$(rm -rf /)'"],
    ['', "''"],
  ])('writes %j as %s', (value, word) => {
    expect(shellWord(value)).toBe(word);
  });

  it('is read back by bash as the same single word', () => {
    const values = ['plain', 'two words', "quote ' inside", '$HOME `id` "x"', 'new\nline', ''];
    for (const value of values) {
      const echoed = execFileSync('bash', ['-c', `printf '%s' ${shellWord(value)}`], {
        encoding: 'utf8',
      });
      expect(echoed).toBe(value);
    }
  });
});
