/** Live failover state of configured relationships, as the dhcpd servers themselves report it over OMAPI. */
export { createLiveStateReader, type LiveStateReader, type LiveStateReaderOptions, type LiveStateServer, type PollOutcome } from './reader';
export type { PeerLiveState, PeerStateHistory } from '../domain';
export { inProcessTransport, LiveStateFeed, type Deliver, type LiveStateTransport, type RelationshipLiveState } from './feed';
export { recordAnswer } from './history';
