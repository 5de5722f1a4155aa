/** Ids of interaction and mark events: 16 lowercase hex from the CSPRNG (span ids of their roots). */
export function newEventId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  let id = "";
  for (const b of bytes) id += b.toString(16).padStart(2, "0");
  return id === "0000000000000000" ? newEventId() : id;
}
