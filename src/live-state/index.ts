/** Live failover state of configured relationships, as the dhcpd servers themselves report it over OMAPI. */
export { createLiveStateReader, type LiveStateReader, type LiveStateReaderOptions, type LiveStateServer, type PollOutcome } from './reader';
export { foldAnswer, recordAnswer } from './history';
export type { PeerLiveState, PeerStateHistory } from '../domain';
