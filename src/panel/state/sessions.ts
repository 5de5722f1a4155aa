/** The imported sessions (files) the panel can show instead of the live tab, as the background lists them. */
import { signal } from "@preact/signals";
import type { SessionInfo } from "../../shared/messages";
import type { Connection } from "../connection";

export function createSessionsStore(connection: Connection) {
  const list = signal<SessionInfo[]>([]);

  async function refresh(): Promise<void> {
    try {
      list.value = await connection.call("listSessions", {});
    } catch {
      // the next refresh will tell
    }
  }

  /** How a side of a comparison says where it comes from. */
  function sourceLabel(session: number | undefined): string {
    if (session === undefined) return "live tab";
    const found = list.value.find((s) => s.id === session);
    return found ? `imported ${found.name}` : "imported";
  }

  return { list, refresh, sourceLabel };
}

export type SessionsStore = ReturnType<typeof createSessionsStore>;
