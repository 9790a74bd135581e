/**
 * The one way a command reaches a remote shell. An SSH server runs every exec request through the user's
 * login shell, so an argv must become one line that the shell splits back into exactly those words: each
 * word is put in single quotes, inside which a POSIX shell expands nothing ($, `, \, *, newlines are all
 * literal), and a single quote itself is written as '\'' (close, escaped quote, reopen).
 */
export function shellCommand(argv: readonly string[], options: { cwd?: string } = {}): string {
  if (argv.length === 0) throw new Error('an empty command cannot be run');
  const command = argv.map(quoteWord).join(' ');
  // `cd` in the same line: dhcpd resolves relative include paths against its working directory.
  return options.cwd === undefined ? command : `cd ${quoteWord(options.cwd)} && ${command}`;
}

function quoteWord(word: string): string {
  if (word.includes('\0')) throw new Error('a command word cannot contain a NUL byte');
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
