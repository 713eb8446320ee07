import { AUTO_ID_TABLES, TABLES, type AutoIdTable, type BackupTable, type RefSpec } from './tables';

/**
 * Where the rows of a file land: for each table with generated ids, the id each row of the file
 * gets here (a row joined to one already here maps to that one's id). A reference to a row that has
 * no entry is not coming: the field is nulled or dropped (RefSpec.whenMissing).
 */
export interface IdMaps {
  ids: Record<AutoIdTable, Map<number, number>>;
  /** A model version of the file (by its id in the file) → its number here ("v3"). */
  versionNumberById: Map<number, number>;
  /** A model version number in the file → its number here (alerts name a version by number only). */
  versionNumber: Map<number, number>;
}

export function emptyIdMaps(): IdMaps {
  return {
    ids: Object.fromEntries(AUTO_ID_TABLES.map((t) => [t, new Map<number, number>()])) as IdMaps['ids'],
    versionNumberById: new Map(),
    versionNumber: new Map(),
  };
}

type Obj = Record<string, unknown>;

/** The objects that hold the last step of `path` (several when the path steps into an array). */
function holders(row: Obj, path: string): { obj: Obj; field: string }[] {
  const steps = path.split('.');
  let current: Obj[] = [row];
  for (const step of steps.slice(0, -1)) {
    const next: Obj[] = [];
    const isArray = step.endsWith('[]');
    const name = isArray ? step.slice(0, -2) : step;
    for (const o of current) {
      const v = o[name];
      if (isArray && Array.isArray(v)) for (const e of v) if (e && typeof e === 'object') next.push(e as Obj);
      if (!isArray && v && typeof v === 'object') next.push(v as Obj);
    }
    current = next;
  }
  const field = steps[steps.length - 1];
  return current.map((obj) => ({ obj, field }));
}

function remapRef(row: Obj, ref: RefSpec, maps: IdMaps): void {
  const map = maps.ids[ref.table];
  const versionHolders = ref.versionPath ? holders(row, ref.versionPath) : [];
  holders(row, ref.path).forEach(({ obj, field }, i) => {
    const old = obj[field];
    if (typeof old !== 'number') return;
    const now = map.get(old);
    if (now !== undefined) {
      obj[field] = now;
      const number = maps.versionNumberById.get(old);
      const v = versionHolders[i];
      if (v && number !== undefined) v.obj[v.field] = number;
    } else if (ref.whenMissing === 'null') obj[field] = null;
    else delete obj[field];
  });
}

/**
 * Gives a row of the file its id here and points every reference it holds at the rows' ids here.
 * Changes `row` in place (rows are read fresh for this and may hold megabytes of typed arrays) and
 * returns it.
 */
export function remapRow<T extends object>(table: BackupTable, row: T, maps: IdMaps): T {
  const spec = TABLES[table];
  const r = row as Obj;
  if (spec.autoId) {
    const own = maps.ids[table as AutoIdTable].get(r.id as number);
    if (own === undefined) throw new Error(`No id here for ${table} #${String(r.id)} of the file.`);
    r.id = own;
  }
  for (const ref of spec.refs) remapRef(r, ref, maps);
  for (const path of spec.versionNumberPaths ?? []) {
    for (const { obj, field } of holders(r, path)) {
      const old = obj[field];
      if (typeof old === 'number') obj[field] = maps.versionNumber.get(old) ?? null;
    }
  }
  return row;
}

/**
 * Ids for the rows of a file: each keeps its own id when `keep` and no row staying here has it, else
 * gets the next id above every id in use (here or kept), so no two rows ever share one.
 */
export function allocateIds(incoming: readonly number[], taken: ReadonlySet<number>, keep: boolean): Map<number, number> {
  const out = new Map<number, number>();
  let top = 0;
  for (const id of taken) if (id > top) top = id;
  if (keep) {
    for (const id of incoming) {
      if (!taken.has(id)) {
        out.set(id, id);
        if (id > top) top = id;
      }
    }
  }
  for (const id of incoming) if (!out.has(id)) out.set(id, ++top);
  return out;
}
