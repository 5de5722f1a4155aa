/** Span ids for captured exchanges: 16 lowercase hex from the CSPRNG, drawn from a pool. */
import { uncurry } from "./natives";

const getRandomValues = uncurry(Crypto.prototype.getRandomValues as (a: Uint8Array) => Uint8Array);
const cryptoNative = crypto;
const pool = new Uint8Array(512);
let offset = pool.length;

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push((i < 16 ? "0" : "") + i.toString(16));

export function newExchangeId(): string {
  if (offset + 8 > pool.length) {
    getRandomValues(cryptoNative, pool);
    offset = 0;
  }
  let id = "";
  for (let i = 0; i < 8; i++) id += HEX[pool[offset++]!];
  return id === "0000000000000000" ? newExchangeId() : id;
}
