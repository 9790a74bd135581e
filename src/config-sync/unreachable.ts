/**
 * Thrown from the `default` branch of a switch that should have handled every
 * member of a union: the `never` parameter makes a forgotten member a compile
 * error, and the throw guards against values that slipped past the types.
 */
export class UnreachableCaseError extends Error {
  constructor(value: never) {
    super(`Unreachable case: ${JSON.stringify(value)}`);
    this.name = 'UnreachableCaseError';
  }
}
