import type { WorkspaceSchema } from './schema';
import uci from '../../../../data/schemas/uci.json' with { type: 'json' };
import secondary from '../../../../data/schemas/secondary.json' with { type: 'json' };

/** The two workspaces that ship with the app, defined by the schema files in `data/schemas/`. */
export const BUILTIN_SCHEMAS: readonly WorkspaceSchema[] = [uci as WorkspaceSchema, secondary as WorkspaceSchema];

export function builtinSchema(id: string): WorkspaceSchema | undefined {
  return BUILTIN_SCHEMAS.find((s) => s.id === id);
}
