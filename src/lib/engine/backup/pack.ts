/**
 * Long arrays of plain numbers (a monitoring reference's sorted samples, evaluation curves) are
 * written as Float64Array: dexie-export-import stores a typed array as one base64 string, which its
 * streaming JSON parser reads many times faster than tens of thousands of separate numbers (a
 * 61k-row reference took 3.7 s to read back as numbers). Every number survives exactly (NaN, -0,
 * ±Infinity included). Unpacking turns each tagged array back into a plain array.
 */
export const PACKED = '$f64';

/** Below this length an array is left as it is: a tag would cost more than it saves. */
const MIN_LENGTH = 32;

type Packed = { [PACKED]: Float64Array };

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

function allNumbers(a: unknown[]): a is number[] {
  for (const x of a) if (typeof x !== 'number') return false;
  return true;
}

/** Replaces, in place, every long array of numbers inside `value` with a tagged Float64Array; returns `value`. */
export function packNumbers<T>(value: T): T {
  if (Array.isArray(value)) {
    if (value.length >= MIN_LENGTH && allNumbers(value)) return { [PACKED]: Float64Array.from(value) } as unknown as T;
    for (let i = 0; i < value.length; i++) value[i] = packNumbers(value[i]);
  } else if (isPlainObject(value)) {
    const o: Record<string, unknown> = value;
    for (const k of Object.keys(o)) o[k] = packNumbers(o[k]);
  }
  return value;
}

/** Undoes packNumbers, in place; returns `value`. */
export function unpackNumbers<T>(value: T): T {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = unpackNumbers(value[i]);
  } else if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === PACKED && (value as unknown as Packed)[PACKED] instanceof Float64Array) {
      return Array.from((value as unknown as Packed)[PACKED]) as unknown as T;
    }
    const o: Record<string, unknown> = value;
    for (const k of keys) o[k] = unpackNumbers(o[k]);
  }
  return value;
}
