import { getDb, type WorkspaceRow } from '$lib/db/db';
import { listWorkspaces } from '$lib/db/workspaces';
import { getSetting, setSetting } from '$lib/db/settings';
import { BUILTIN_SCHEMAS } from '$lib/engine/data/builtinSchemas';
import { LiveQuery } from './liveQuery.svelte';

const KEY = 'currentWorkspace';

/** The workspaces (built-in and custom) and the one the user works in, remembered across reloads. */
export class WorkspaceState {
  #list = new LiveQuery<WorkspaceRow[]>(() => listWorkspaces(getDb()), []);
  #currentId = $state(BUILTIN_SCHEMAS[0].id);
  #restored = $state(false);

  constructor() {
    getSetting(getDb(), KEY, BUILTIN_SCHEMAS[0].id).then((id) => {
      this.#currentId = id;
      this.#restored = true;
    });
  }

  get list(): WorkspaceRow[] {
    return this.#list.current.length ? this.#list.current : BUILTIN_SCHEMAS.map((s) => ({ id: s.id, name: s.name, builtin: true, schema: s, createdAt: 0 }));
  }
  get currentId(): string {
    return this.#currentId;
  }
  get restored(): boolean {
    return this.#restored;
  }
  get current(): WorkspaceRow {
    return this.list.find((w) => w.id === this.#currentId) ?? this.list[0];
  }

  async select(id: string): Promise<void> {
    this.#currentId = id;
    await setSetting(getDb(), KEY, id);
  }
}
