import { BadUserInputError } from '../errors';

/**
 * Names of servers, relationships and scopes end up inside quoted strings of dhcpd.conf and in log lines,
 * so only plain identifiers are accepted: ASCII letters, digits, and `.` `_` `-`, starting with a letter or digit.
 */
const PLAIN_IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function checkName(value: string, field: string): string {
  if (typeof value !== 'string' || !PLAIN_IDENTIFIER.test(value)) {
    throw new BadUserInputError(
      `${field} must be a plain identifier: 1-63 ASCII letters, digits, ".", "_" or "-", starting with a letter or digit`,
      field,
    );
  }
  return value;
}
