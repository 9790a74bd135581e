import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { shellCommand } from '../../../src/transport/shell-quote';

/** What a real /bin/sh makes of the line: the words it passes to a program, NUL-separated by printf. */
function wordsOf(line: string, cwd?: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', line], { cwd, encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const HOSTILE = [
  'plain',
  'with space',
  "it's",
  '"double"',
  '$(touch pwned)',
  '`touch pwned`',
  '$HOME ${PATH}',
  'line\nbreak\n',
  '*',
  '?[a-z]',
  '; touch pwned',
  '&& touch pwned ||',
  '\\back\\slash\\',
  "'",
  "''",
  '',
  '-n',
  '~',
  'tab\there',
  'unicode ü €',
];

describe('shellCommand', () => {
  let dir: string;
  beforeEach(() => {
    // a folder with files a glob could match, and where "pwned" would appear
    dir = mkdtempSync(path.join(tmpdir(), 'dfg-quote-'));
    writeFileSync(path.join(dir, 'a'), '');
    writeFileSync(path.join(dir, 'b'), '');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a POSIX shell exactly the words of the argv, expanding and running nothing', () => {
    const words = wordsOf(shellCommand(['printf', '%s\\0', ...HOSTILE]), dir);
    expect(words).toEqual(HOSTILE);
    expect(wordsOf(shellCommand(['ls']), dir)).toEqual([]);
    expect(execFileSync('ls', [dir], { encoding: 'utf8' })).toBe('a\nb\n');
  });

  it('quotes the program name and the working directory too', () => {
    const odd = path.join(dir, "sub dir $(x) 'q'\n`y`");
    execFileSync('mkdir', [odd]);
    const line = shellCommand(['printf', '%s\\0', 'x'], { cwd: odd });
    expect(wordsOf(line)).toEqual(['x']);
    expect(wordsOf(shellCommand(['sh', '-c', 'printf "%s\\0" "$PWD"'], { cwd: odd }))).toEqual([odd]);
    expect(execFileSync('ls', [dir], { encoding: 'utf8' })).toBe(`a\nb\n${path.basename(odd)}\n`);
  });

  it('refuses what no shell word can carry', () => {
    expect(() => shellCommand([])).toThrow('empty');
    expect(() => shellCommand(['echo', 'a\0b'])).toThrow('NUL');
  });
});
