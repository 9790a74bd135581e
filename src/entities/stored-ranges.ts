import type { IpRange } from '../domain';

const START = '{"start":"';
const END = '","end":"';

/**
 * A pool's ranges as they are stored, JSON.stringify of IpRange[] (`[{"start":"…","end":"…"},…]`), read by
 * hand: JSON.parse takes twice as long, and a big answer has 40,000 pools. Any other text (other keys, an
 * escape) is left to JSON.parse.
 */
export function parseRanges(text: string): IpRange[] {
  const ranges: IpRange[] = [];
  if (text === '[]') return ranges;
  if (text.charCodeAt(0) !== 91 /* [ */ || text.includes('\\')) return JSON.parse(text) as IpRange[];
  for (let i = 1; ; ) {
    if (!text.startsWith(START, i)) return JSON.parse(text) as IpRange[];
    const start = i + START.length;
    const startEnd = text.indexOf('"', start);
    if (!text.startsWith(END, startEnd)) return JSON.parse(text) as IpRange[];
    const end = startEnd + END.length;
    const endEnd = text.indexOf('"', end);
    if (text.charCodeAt(endEnd + 1) !== 125 /* } */) return JSON.parse(text) as IpRange[];
    ranges.push({ start: text.slice(start, startEnd), end: text.slice(end, endEnd) });
    i = endEnd + 2;
    if (text.charCodeAt(i) === 93 /* ] */ && i === text.length - 1) return ranges;
    if (text.charCodeAt(i) !== 44 /* , */) return JSON.parse(text) as IpRange[];
    i++;
  }
}
