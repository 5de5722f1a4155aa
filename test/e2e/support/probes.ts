/** The names of the page-semantics probes, read from the page itself so none is forgotten. */
import { readFile } from "node:fs/promises";

export async function probeNames(): Promise<string[]> {
  const source = await readFile(new URL("../pages/semantics.js", import.meta.url), "utf8");
  const body = source.slice(source.indexOf("window.probes = {"));
  return [...body.matchAll(/^ {2}(\w+): (?:async )?\(/gm)].map((m) => m[1]!);
}
