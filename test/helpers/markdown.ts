import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface CodeBlock {
  /** The info string's first word (`graphql`, `json`, `sh`), '' for a plain block. */
  lang: string;
  text: string;
  /** 1-based line of the opening fence, to name the block in a test. */
  line: number;
  /** The `## ` section the block is in. */
  section: string;
  /** The prose between the previous block (or the section heading) and this one. */
  before: string;
}

/** A Markdown file of the repository, e.g. 'README.md' or 'docs/api.md'. */
export function readDoc(name: string): string {
  return readFileSync(path.resolve(__dirname, '../..', name), 'utf8');
}

/** Every fenced code block (```) of a Markdown text, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  let section = '';
  let before: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const heading = /^## (.*)/.exec(lines[i]);
    if (heading) {
      section = heading[1].trim();
      before = [];
      continue;
    }
    const fence = /^```(\S*)/.exec(lines[i]);
    if (!fence) {
      before.push(lines[i]);
      continue;
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i].startsWith('```'); i++) body.push(lines[i]);
    if (i === lines.length) throw new Error(`unclosed code block at line ${start + 1}`);
    blocks.push({ lang: fence[1], text: body.join('\n') + '\n', line: start + 1, section, before: before.join('\n') });
    before = [];
  }
  return blocks;
}
