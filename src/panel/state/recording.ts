/**
 * What the panel records: whether the tab is recording (the background's word; Clear all resumes
 * a paused tab) and whether a navigation keeps the list (preserve log, remembered in localStorage).
 */
import { signal } from "@preact/signals";
import type { Connection } from "../connection";

const PRESERVE_KEY = "llm-traces.preserve-log";

export function createRecordingStore(connection: Connection) {
  const recording = signal(true);
  const preserveLog = signal(localStorage.getItem(PRESERVE_KEY) === "1");

  /** Ask the background whether the tab is recording. */
  function refresh(): void {
    void connection.call("getRecording", {}).then((r) => (recording.value = r.recording), () => {});
  }

  async function toggle(): Promise<void> {
    const next = !recording.value;
    recording.value = (await connection.call("setRecording", { recording: next })).recording;
  }

  function setPreserveLog(on: boolean): void {
    preserveLog.value = on;
    localStorage.setItem(PRESERVE_KEY, on ? "1" : "0");
  }

  return { recording, preserveLog, refresh, toggle, setPreserveLog };
}

export type RecordingStore = ReturnType<typeof createRecordingStore>;
