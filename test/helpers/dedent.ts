/**
 * Inline config fixtures: strips the indentation common to all non-blank
 * lines, the line break after the opening backtick and the indentation before
 * the closing one, so a fixture can be indented with the test code. Tabs that
 * belong to the fixture are written as `\t` after the common indentation.
 */
export function dedent(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((text, part, i) => text + part + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').replace(/\n[ ]*$/, '\n').split('\n');
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0);
  const common = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((line) => line.slice(Math.min(common, /^ */.exec(line)?.[0].length ?? 0))).join('\n');
}
