/** Type guards for data read from files and storage (bundles, exports, backups). */
export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
export const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
