import type { WorkspaceSchema } from '$lib/engine/data/schema';
import { BUILTIN_SCHEMAS } from '$lib/engine/data/builtinSchemas';
import type { SporeprintDb, WorkspaceRow } from './db';

/** Built-in workspaces come from the bundled schema files; custom ones are stored with their inferred schema. */
export async function listWorkspaces(db: SporeprintDb): Promise<WorkspaceRow[]> {
  const custom = await db.workspaces.toArray();
  const builtins: WorkspaceRow[] = BUILTIN_SCHEMAS.map((s) => ({ id: s.id, name: s.name, builtin: true, schema: s, createdAt: 0 }));
  return [...builtins, ...custom.filter((c) => !c.builtin).sort((a, b) => a.createdAt - b.createdAt)];
}

export async function allSchemas(db: SporeprintDb): Promise<WorkspaceSchema[]> {
  return (await listWorkspaces(db)).map((w) => w.schema);
}

/** One workspace's schema (as `listWorkspaces` has it), or undefined when there is no such workspace. */
export async function workspaceSchema(db: SporeprintDb, workspaceId: string): Promise<WorkspaceSchema | undefined> {
  return (await listWorkspaces(db)).find((w) => w.id === workspaceId)?.schema;
}

/** The row for a workspace made from an inferred schema; stored together with its first import. */
export function customWorkspace(schema: WorkspaceSchema, name: string): WorkspaceRow {
  return { id: schema.id, name, builtin: false, schema: { ...schema, name }, createdAt: Date.now() };
}
