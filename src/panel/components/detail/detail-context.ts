/** The detail store (state/detail.ts) for the tabs deep inside the detail pane, given by SpanDetail. */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { DetailStore } from "../../state/detail";

export const DetailContext = createContext<DetailStore | undefined>(undefined);

export function useDetail(): DetailStore {
  const detail = useContext(DetailContext);
  if (!detail) throw new Error("useDetail outside SpanDetail");
  return detail;
}
