import { GraphQLError } from 'graphql';
import { argumentsJson, outcomeOf } from '../../../src/audit/outcome';
import { BadUserInputError, ConfigInvalidError, ForbiddenError } from '../../../src/errors';

describe('what the audit log records of a mutation', () => {
  test('arguments are JSON with long strings and lists cut short, so a hostile request cannot bloat the log', () => {
    const json = argumentsJson({ input: { name: 'x'.repeat(100_000), ids: Array.from({ length: 10_000 }, (_, i) => String(i)), n: 5, nested: null } });
    expect(json.length).toBeLessThanOrEqual(8192);
    const parsed = JSON.parse(json);
    expect(parsed.input.name).toMatch(/^x{200}…\(\+99800 chars\)$/);
    expect(parsed.input.ids).toHaveLength(51);
    expect(parsed.input.ids[50]).toBe('…(+9950 more)');
    expect(parsed.input.n).toBe(5);
  });

  test('arguments that stay too large after cutting are replaced by a note, still valid JSON', () => {
    const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 'v']));
    expect(JSON.parse(argumentsJson(wide))).toEqual({ truncated: 'arguments too large to record' });
  });

  test('control characters and quotes stay inside the JSON string', () => {
    const json = argumentsJson({ name: 'a"\n\u0000}' });
    expect(JSON.parse(json)).toEqual({ name: 'a"\n\u0000}' });
    expect(json).not.toMatch(/[\u0000-\u001f]/);
  });

  test('a refusal is recorded with its code and message; an internal error with neither its message nor internals', () => {
    expect(outcomeOf(new BadUserInputError('name must be a plain identifier'))).toEqual({ outcome: 'BAD_USER_INPUT', message: 'name must be a plain identifier' });
    expect(outcomeOf(new ForbiddenError('needs admin')).outcome).toBe('FORBIDDEN');
    expect(outcomeOf(new ConfigInvalidError('a', ['line 3: syntax error'])).outcome).toBe('CONFIG_INVALID');
    expect(outcomeOf(new GraphQLError('Argument Validation Error', { extensions: { code: 'BAD_USER_INPUT' } })).outcome).toBe('BAD_USER_INPUT');
    for (const internal of [
      new Error('SQLITE_CONSTRAINT: UNIQUE constraint failed: scope.network at /srv/gw/src/services/scopes.ts:40'),
      new GraphQLError('ENOENT: /etc/dhcp/x', { extensions: { code: 'SOMETHING_ELSE' } }),
      'a string',
    ]) {
      const o = outcomeOf(internal);
      expect(o.outcome).toBe('INTERNAL_SERVER_ERROR');
      expect(o.message).not.toMatch(/SQLITE|\/srv|\/etc|scopes\.ts/);
    }
  });
});
