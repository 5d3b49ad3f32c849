import fc from 'fast-check';

/** `depth` levels of alternating objects and arrays: past any parser's or schema's limit. */
export function deep(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i += 1) value = i % 2 === 0 ? { nested: value } : [value];
  return value;
}

/**
 * Any value a caller could send: the given hostile strings, numbers, null, arrays of those,
 * nesting up to `maxDepth` levels, and objects with hostile keys.
 */
export function hostileValues(
  hostileString: fc.Arbitrary<string>,
  maxDepth: number,
): fc.Arbitrary<unknown> {
  return fc.oneof(
    hostileString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(hostileString, { maxLength: 5 }),
    fc.integer({ min: 20, max: maxDepth }).map(deep),
    fc.dictionary(hostileString, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
  );
}
