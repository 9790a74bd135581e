/**
 * The consistency review of servers and failover pairs: each check is one file, a function from plain input
 * to ConfigProblem[] (Stork's config-review checkers); a new check is one file and one line below.
 */
import { currentFileInvalid } from './current-file-invalid';
import { drift } from './drift';
import { fileUnreadable } from './file-unreadable';
import { noOmapi } from './no-omapi';
import { peerDeclarationsDiffer } from './peer-declarations-differ';
import { poolsDiffer } from './pools-differ';
import type { ConfigProblem, PairCheck, PairInput, ServerCheck, ServerInput } from './problem';
import { scopeOnOneSide } from './scope-on-one-side';
import { statesDisagree } from './states-disagree';
import { subnetStatementsDiffer } from './subnet-statements-differ';

export { Severity, type ConfigProblem, type PairInput, type ServerInput, type ServerSide } from './problem';

/** Checks of one server's own file. */
const SERVER_CHECKS: readonly ServerCheck[] = [fileUnreadable, drift, currentFileInvalid, noOmapi];

/** Checks of the two files of a relationship against each other, and of what both partners say live. */
const PAIR_CHECKS: readonly PairCheck[] = [scopeOnOneSide, poolsDiffer, subnetStatementsDiffer, peerDeclarationsDiffer, statesDisagree];

export const reviewServer = (input: ServerInput): ConfigProblem[] => SERVER_CHECKS.flatMap((check) => check(input));
export const reviewPair = (input: PairInput): ConfigProblem[] => PAIR_CHECKS.flatMap((check) => check(input));
