import { parseFileCommands } from './runAction';

describe('parseFileCommands', () => {
  it('reads heredoc and key=value entries as the runner writes them', () => {
    const text = [
      'a<<ghadelimiter_1',
      'line 1',
      'line 2',
      'ghadelimiter_1',
      'b=plain',
      'c<<EOF',
      '',
      'EOF',
      '',
    ].join('\n');
    expect(parseFileCommands(text)).toEqual({ a: 'line 1\nline 2', b: 'plain', c: '' });
  });
});
