/** The panel's one notice line: what an import or export did, or why it failed, until dismissed. */
import { signal } from "@preact/signals";

export interface Notice {
  kind: "info" | "error";
  text: string;
  details?: string[];
}

export function createNoticeStore() {
  const current = signal<Notice | undefined>(undefined);
  return {
    current,
    show(notice: Notice): void {
      current.value = notice;
    },
    dismiss(): void {
      current.value = undefined;
    },
  };
}

export type NoticeStore = ReturnType<typeof createNoticeStore>;
