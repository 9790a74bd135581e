/**
 * STATES_DISAGREE is the one live check: its input is what both servers said and since when, so it is tested on
 * plain input (the check is data in, problems out); the lab tests show the states themselves come from dhcpd.
 */
import type { PeerLiveState, PeerStateHistory } from '../../../src/domain';
import type { DhcpServer, FailoverRelationship } from '../../../src/entities';
import type { PairInput, ServerSide } from '../../../src/review';
import { reviewPair } from '../../../src/review';

const NOW = new Date('2026-05-01T12:00:00.000Z');
const side = (id: number, name: string): ServerSide => ({ server: { id, name } as DhcpServer, model: null, readError: null, verdict: null, drifted: [], scopes: [] });
const peer = (state: string | null, sinceSecondsAgo: number): PeerLiveState & PeerStateHistory => ({
  reachable: state !== null,
  state,
  partnerState: null,
  error: state === null ? 'connection refused' : null,
  checkedAt: NOW.toISOString(),
  stateSince: new Date(NOW.getTime() - sinceSecondsAgo * 1000),
  lastPartnerDownAt: null,
});
const input = (primary: PeerLiveState & PeerStateHistory, secondary: PeerLiveState & PeerStateHistory): PairInput => ({
  relationship: { id: 1, name: 'campus' } as FailoverRelationship,
  primary: side(1, 'dhcp-p'),
  secondary: side(2, 'dhcp-s'),
  live: { primary, secondary },
  now: NOW,
});

describe('STATES_DISAGREE', () => {
  it('reports the side that is not normal when the two have disagreed for over a minute', () => {
    const problems = reviewPair(input(peer('normal', 600), peer('recover-wait', 61)));
    expect(problems).toEqual([
      {
        code: 'STATES_DISAGREE',
        severity: 'ERROR',
        server: { id: 2, name: 'dhcp-s' },
        scope: null,
        message: expect.stringContaining('server "dhcp-p" has been normal and "dhcp-s" recover-wait since 2026-05-01T11:58:59.000Z'),
      },
    ]);
  });

  it('waits a minute after the last state change of either side', () => {
    expect(reviewPair(input(peer('normal', 59), peer('communications-interrupted', 600)))).toEqual([]);
  });

  it('says nothing when both agree, or when a side cannot be read', () => {
    expect(reviewPair(input(peer('normal', 600), peer('normal', 600)))).toEqual([]);
    expect(reviewPair(input(peer('partner-down', 600), peer('recover', 600)))).toEqual([]);
    expect(reviewPair(input(peer('communications-interrupted', 600), peer(null, 600)))).toEqual([]);
  });
});
