/** A problem found while reading a config; collected, never thrown. */
export interface ParseError {
  code: string;
  message: string;
  /** 1-based, counting `\n` line breaks (as dhcpd does). */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  offset: number;
}

/** Turns offsets into line/column pairs; the line index is built on first use only. */
export class LineIndex {
  private lineStarts: number[] | null = null;

  constructor(private readonly text: string) {}

  position(offset: number): { line: number; column: number } {
    const starts = this.starts();
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low] + 1 };
  }

  error(code: string, message: string, offset: number): ParseError {
    return { code, message, offset, ...this.position(offset) };
  }

  private starts(): number[] {
    if (this.lineStarts === null) {
      const starts = [0];
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }
}
