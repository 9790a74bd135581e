/**
 * Shared pieces of the config-sync tests: checks that a text passes
 * `dhcpd -t` (skipped, never passed, where dhcpd is missing), and the edit
 * helper and peer fixture the edit tests share.
 */
import { ConfigEditor, parseConfig, validateConfig, type ConfigModel } from '../../../src/config-sync';
import { DHCPD, itWithDhcpd } from '../../helpers/dhcpd';
import { dedent } from '../../helpers/dedent';

/** dhcpd -t passes (run in `dir` when given, for relative includes); its messages are shown when it does not. */
export async function expectDhcpdAccepts(text: string, dir?: string): Promise<void> {
  const result = await validateConfig(DHCPD!, text, dir);
  expect({ ok: result.ok, messages: result.messages }).toEqual({ ok: true, messages: result.ok ? result.messages : [] });
}

/**
 * The dhcpd -t half of an edit test, declared as a test of its own so the
 * exact-text half still runs where dhcpd is missing, while this one is
 * reported as skipped there, never as passed.
 */
export function itDhcpdAccepts(what: string, texts: () => string[]): void {
  itWithDhcpd(`dhcpd -t accepts ${what}`, async () => {
    for (const text of texts()) await expectDhcpdAccepts(text);
  });
}

/**
 * An edit test in two halves: the exact text the edit produces, checked
 * everywhere, and dhcpd -t on that text (skipped, never passed, without
 * dhcpd). `forDhcpd` completes a text that dhcpd could not check alone.
 */
export function itEdits(name: string, run: () => string, expectText: (result: string) => void, forDhcpd: (result: string) => string = (result) => result): void {
  it(name, () => expectText(run()));
  itDhcpdAccepts(`the result: ${name}`, () => [forDhcpd(run())]);
}

/** Parses `text`, lets `change` queue operations on an editor, and applies them. */
export function edit(text: string, change: (editor: ConfigEditor, model: ConfigModel) => void): string {
  const model = parseConfig(text);
  const editor = new ConfigEditor(model);
  change(editor, model);
  return editor.apply();
}

/** A primary declaration for the peer "dc", for fixtures whose pools refer to it. */
export const DC_PEER = dedent`
  failover peer "dc" {
    primary;
    address 10.0.0.1;
    peer address 10.0.0.2;
    max-response-delay 60;
    max-unacked-updates 10;
    mclt 3600;
    split 128;
    load balance max seconds 3;
  }
`;
