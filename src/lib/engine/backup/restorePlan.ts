import { AUTO_ID_TABLES, type AutoIdTable } from './tables';
import { allocateIds, emptyIdMaps, type IdMaps } from './remap';

/**
 * Restoring puts the file's rows back as they were: same ids where no row staying here has them
 * (always, into an emptied browser), new ids above every id in use otherwise; version numbers kept.
 */
export function planRestore(
  fileIds: Record<AutoIdTable, readonly number[]>,
  taken: Record<AutoIdTable, ReadonlySet<number>>,
  models: readonly { id: number; version: number }[],
): IdMaps {
  const maps = emptyIdMaps();
  for (const t of AUTO_ID_TABLES) maps.ids[t] = allocateIds(fileIds[t], taken[t], true);
  for (const m of models) {
    maps.versionNumberById.set(m.id, m.version);
    maps.versionNumber.set(m.version, m.version);
  }
  return maps;
}
