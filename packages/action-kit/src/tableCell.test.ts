import { codeCell, textCell } from './tableCell';

describe('codeCell', () => {
  it.each([
    ['plain', 'plain'],
    ['a|b', 'a\\|b'],
    ['one\ntwo\r\nthree', 'one two three'],
    ['<b>&', '<b>&'],
  ])('keeps %j in one cell as %j', (value, cell) => {
    expect(codeCell(value)).toBe(cell);
  });
});

describe('textCell', () => {
  it.each([
    ['plain', 'plain'],
    ['a|b', 'a&#124;b'],
    ['one\ntwo\r\nthree', 'one<br>two<br>three'],
    ['<b>bold</b> & co', '&lt;b&gt;bold&lt;/b&gt; &amp; co'],
    ['&#124;', '&amp;#124;'],
  ])('shows %j as text in one cell: %j', (text, cell) => {
    expect(textCell(text)).toBe(cell);
  });
});
