/**
 * Turns what `dhcpd -t` prints into messages a user can act on. dhcpd names
 * the file it read (our temporary copy) before each line number; the path is
 * dropped, and the offending line is quoted from the candidate text. Its
 * banner, the echoed source line with its caret, and the "report a bug"
 * footer carry nothing about the config and are left out.
 */

const NOISE = [
  /^Internet Systems Consortium DHCP Server/,
  /^Copyright \d{4}/,
  /^All rights reserved\.$/,
  /^For info, please visit /,
  /^(Config|Database|PID) file: /,
  /^Configuration file errors encountered -- exiting$/,
  /^If you think you have received this message due to a bug rather$/,
  /^than a configuration issue please read the section on submitting$/,
  /^bugs on either our web page at www\.isc\.org or in the README file$/,
  /^before submitting a bug\. {2}These pages explain the proper$/,
  /^process and the information we find helpful for debugging\.$/,
  /^exiting\.$/,
];

/** What the temporary file is called in `output`, so the report never shows a temp path. */
const CANDIDATE_LABEL = '<candidate>';

export interface DhcpdReport {
  messages: string[];
  output: string;
}

/** A file dhcpd read: its temporary path, what the report calls it, and its text (to quote lines from). */
export interface StagedFile {
  temp: string;
  /** null for the main candidate, whose messages read `line N: …`; else the real file's path */
  real: string | null;
  text: string;
}

/** The report for one candidate file (readDhcpdOutput) or a staged tree (readTreeOutput); `files[0]` is the main candidate. Lines of included files are named by their real path. */
export function readDhcpdOutput(rawOutput: string, tempPath: string, candidate: string): DhcpdReport {
  return readTreeOutput(rawOutput, [{ temp: tempPath, real: null, text: candidate }]);
}

export function readTreeOutput(rawOutput: string, files: StagedFile[]): DhcpdReport {
  let output = rawOutput;
  for (const f of files) output = output.split(f.temp).join(f.real ?? CANDIDATE_LABEL);
  const byLabel = new Map(files.map((f) => [f.real ?? CANDIDATE_LABEL, f]));
  const lines = output.split('\n').map((line) => line.replace(/\r$/, ''));
  const messages: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || NOISE.some((pattern) => pattern.test(line))) continue;
    const located = /^(.*?) line (\d+): (.*)$/.exec(line);
    if (located === null) {
      messages.push(line);
      continue;
    }
    // dhcpd echoes the token's line and a caret under it.
    if (i + 2 < lines.length && /^\s*\^\s*$/.test(lines[i + 2])) i += 2;
    const [, label, lineNumber, message] = located;
    const file = byLabel.get(label);
    if (file === undefined) {
      messages.push(line);
      continue;
    }
    const source = (file.text.split('\n')[Number(lineNumber) - 1] ?? '').replace(/\r$/, '').trim();
    messages.push(`${file.real === null ? '' : `${file.real} `}line ${lineNumber}: ${message}${source === '' ? '' : ` (at: ${source})`}`);
  }
  return { messages, output };
}
