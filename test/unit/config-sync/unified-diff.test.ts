import { createTwoFilesPatch } from 'diff';
import { unifiedDiff } from '../../../src/config-sync/apply/unified-diff';

/** The whole-text diff that unifiedDiff must equal, only faster. */
const whole = (before: string, after: string) => createTwoFilesPatch('f.conf', 'f.conf', before, after, 'before', 'after', { context: 3 });

const base = Array.from({ length: 40 }, (_, i) => `line ${i};\n`).join('');

describe('unifiedDiff', () => {
  const cases: [string, string, string][] = [
    ['a change in the middle', base, base.replace('line 20;', 'line twenty;')],
    ['a line added at the end', base, base + 'line 40;\n'],
    ['a line removed at the start', base, base.slice('line 0;\n'.length)],
    ['changes far apart (two hunks)', base, base.replace('line 3;', 'x;').replace('line 35;', 'y;')],
    ['a file without a final newline', base.trimEnd(), base.trimEnd() + '\nmore;'],
    ['CRLF line ends', base.replace(/\n/g, '\r\n'), base.replace(/\n/g, '\r\n').replace('line 9;', 'nine;')],
    ['a new file', '', base],
    ['a removed file', base, ''],
    ['no change', base, base],
    ['a change inside a line, the rest of the line shared', base, base.replace('line 20;', 'line 20 ;')],
    ['blank lines at the start', '\n\n' + base, '\n' + base],
    ['a repeated line added (head and tail overlap)', 'a\na\n', 'a\na\na\n'],
    ['the last line changed, no final newline', 'x\ny', 'x\nyz'],
    ['only the first character differs', 'x' + base, 'y' + base],
    ['changes 6 equal lines apart (one hunk)', base, base.replace('line 10;', 'x;').replace('line 17;', 'y;')],
    ['changes 7 equal lines apart (two hunks)', base, base.replace('line 10;', 'x;').replace('line 18;', 'y;')],
    ['a change at the top and one at the end', base, 'top;\n' + base + 'end;\n'],
  ];
  it.each(cases)('is the diff of the whole texts: %s', (_name, before, after) => {
    expect(unifiedDiff('f.conf', before, after)).toBe(whole(before, after));
  });

  it('is the same on random edits of a large file', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const big = Array.from({ length: 3000 }, (_, i) => `subnet ${i} { range ${i}; }\n`);
    for (let round = 0; round < 40; round++) {
      const edited = [...big];
      for (let k = 0; k < 1 + rand(4); k++) edited.splice(rand(edited.length), rand(3), ...Array.from({ length: rand(3) }, () => `new ${rand(1000)};\n`));
      // some edits inside a line: the shared head or tail then ends in the middle of it
      if (round % 2) edited[rand(edited.length)] = `subnet ${rand(3000)} { range ${rand(3000)}; }\n`;
      expect(unifiedDiff('f.conf', big.join(''), edited.join(''))).toBe(whole(big.join(''), edited.join('')));
    }
  });
});
