/** dhcpd.leases: the streaming reader, the per-file cache and the counts per pool, scope and pair. */
export { LeaseParser, readLeases, type BindingState, type LeaseRecord, type ReadSummary } from './reader';
export { LeaseFileCache } from './lease-files';
export { mergeTables, TableBuilder, type LeaseTable } from './table';
export { countAddresses, spansOf, utilizationOf, UtilizationLevel, type AddressCounts, type Span, type Utilization } from './utilization';
