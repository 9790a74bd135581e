/** Growing the typed-array columns of the token and node tables. */

type Column = Uint8Array | Uint32Array | Int32Array;

/** A copy of `from` with room for `size` entries, of the same array type. */
export function grown<T extends Column>(from: T, size: number): T {
  const to = new (from.constructor as new (length: number) => T)(size);
  to.set(from);
  return to;
}
