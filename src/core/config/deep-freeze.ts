/**
 * Freezes `value` and everything reachable from it. Objects that are already frozen (a
 * {@link KeyRing} freezes itself and keeps its material in private fields) are left alone, and
 * typed arrays are skipped because freezing a non-empty Buffer throws.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || Object.isFrozen(value)) {
    return value;
  }
  Object.freeze(value);
  const record = value as Record<PropertyKey, unknown>;
  for (const key of Reflect.ownKeys(value)) {
    deepFreeze(record[key]);
  }
  return value;
}
