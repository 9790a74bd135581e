import type { ApolloServerPlugin } from '@apollo/server';
import type { SelectionSetNode } from 'graphql';
import type { Context } from '../context';
import { mutationFieldsRan } from './instrument';
import { AuditRecord } from './audit-record';

/**
 * Audits mutations refused before any of their fields ran: variables that do not coerce, the complexity
 * limit. One row per root field, with the request's variables as the arguments. (A document that does
 * not parse or validate names no operation to record; a request without a valid token never gets here.)
 */
export function auditRefusedMutations(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, operation, errors, request }) {
          if (operation?.operation !== 'mutation' || mutationFieldsRan(contextValue) || !contextValue.user) return;
          for (const name of rootFields(operation.selectionSet)) {
            const record = new AuditRecord(contextValue.user.name, name, request.variables ?? {});
            await contextValue.audit.recordFailure(record, errors[0]).catch(() => undefined);
          }
        },
      };
    },
  };
}

function rootFields(set: SelectionSetNode): string[] {
  const names: string[] = [];
  for (const s of set.selections) {
    if (s.kind === 'Field') names.push(s.name.value);
    else if (s.kind === 'InlineFragment') names.push(...rootFields(s.selectionSet));
  }
  return [...new Set(names)];
}
