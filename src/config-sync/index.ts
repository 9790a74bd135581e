/**
 * Lossless dhcpd.conf engine: parse to a CST that keeps every byte, read the
 * managed parts into a model, change them as text edits, validate with
 * `dhcpd -t`, and write files atomically.
 */
export { applyEdits, type TextEdit, type TextRange } from './text-edit';
export { parse, stringify, type Cst, type CstNode, type CstBlock, type CstStatement, type CstComment, type CstStrayBrace } from './dhcpd/cst';
export type { ParseError } from './dhcpd/parse-error';
export { parseConfig, type ConfigModel, type SubnetModel, type PoolModel, type IpRangeModel, type SubnetParent } from './dhcpd/model';
export type { FailoverPeerModel, PeerStatement } from './dhcpd/failover-peer';
export { compareStatements, scopeStatements, type ScopeStatement, type StatementDifference } from './dhcpd/statements';
export { ConfigEditor } from './edit/config-editor';
export type { PeerDeclaration, PoolSpec, SubnetSpec } from './edit/render';
export { quoteString, ConfigValueError } from './edit/values';
export { validateConfig, findDhcpd, DhcpdNotFoundError, type ValidationResult } from './apply/validate';
export { replaceFileAtomic } from './apply/atomic-write';
export { ModelCache, sha256 } from './apply/model-cache';
export { treeModel, type TreeModel, type TreeFileModel } from './apply/tree-model';
export type { TreeEditor } from './apply/tree-editor';
