/**
 * How a span names who served it, in the panel and its filter (docs/DESIGN.md, "Provider names"):
 * the API family (gen_ai.provider.name) and the server it went to, "openai · 127.0.0.1:8787".
 * A proxy or a self-hosted gateway speaks a vendor's format; both halves are needed to tell it
 * from the vendor itself.
 */
import type { Attributes } from "../contract";

/** The scheme's own port is left out, as a browser's address bar does. */
const DEFAULT_PORTS: Record<string, number> = { "http:": 80, "https:": 443 };

/** server.address with server.port when it is not the scheme's default; undefined without an address. */
export function serverLabel(a: Attributes): string | undefined {
  const address = a["server.address"];
  if (typeof address !== "string" || address === "") return undefined;
  const port = a["server.port"];
  const url = a["url.full"];
  const scheme = typeof url === "string" ? url.slice(0, url.indexOf(":") + 1).toLowerCase() : "";
  return typeof port === "number" && port !== DEFAULT_PORTS[scheme] ? `${address}:${port}` : address;
}

/** "provider · server"; either alone when the other is missing; undefined when both are. */
export function providerLabel(a: Attributes): string | undefined {
  const provider = a["gen_ai.provider.name"];
  const parts = [typeof provider === "string" && provider !== "" ? provider : undefined, serverLabel(a)].filter((p) => p !== undefined);
  return parts.length > 0 ? parts.join(" · ") : undefined;
}
