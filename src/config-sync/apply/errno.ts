/**
 * Whether `error` is a Node system error with this code. Checked by shape,
 * not `instanceof Error`: errors raised by Node's own fs module are not
 * instances of the Error class of another realm (a VM context, a test runner).
 */
export function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
