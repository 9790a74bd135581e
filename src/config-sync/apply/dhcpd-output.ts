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

export function readDhcpdOutput(rawOutput: string, tempPath: string, candidate: string): DhcpdReport {
  const output = rawOutput.split(tempPath).join(CANDIDATE_LABEL);
  const candidateLines = candidate.split('\n');
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
    const [, file, lineNumber, message] = located;
    if (file !== CANDIDATE_LABEL) {
      messages.push(line);
      continue;
    }
    const source = (candidateLines[Number(lineNumber) - 1] ?? '').replace(/\r$/, '').trim();
    messages.push(`line ${lineNumber}: ${message}${source === '' ? '' : ` (at: ${source})`}`);
  }
  return { messages, output };
}
