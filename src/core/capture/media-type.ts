/**
 * Media types (RFC 9110 §8.3.1) as a page or an imported file gives them for a body. The value
 * is shown in the panel and written into the notes of copied commands, so anything that is not
 * a media type (a newline and a shell command after it, say) is dropped where it enters, and
 * the body says that it was.
 */
import type { CapturedBody } from "../contract";

/**
 * type "/" subtype *( OWS ";" OWS [ name "=" ( token / quoted-string ) ] ), with OWS around the
 * whole; type, subtype and names are tokens of tchar (the first class below), a quoted string
 * holds qdtext and quoted pairs. The OWS after a ";" is only taken with a parameter and a quoted
 * string is runs between escapes, so no two ways through the pattern read the same characters:
 * it runs in linear time on whatever it is given.
 */
const MEDIA_TYPE =
  /^[ \t]*[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:[ \t]*;(?:[ \t]*[!#$%&'*+.^_`|~0-9A-Za-z-]+=(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+|"[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]*(?:\\[\t \x21-\x7e\x80-\xff][\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]*)*"))?)*[ \t]*$/;

export function isMediaType(value: unknown): value is string {
  return typeof value === "string" && MEDIA_TYPE.test(value);
}

/**
 * The body with its mimeType kept only if it is a media type. An empty one means "not known"
 * and is just left out; anything else that is not a media type is dropped and marked.
 */
export function checkedBodyType(body: CapturedBody): CapturedBody {
  if (body.mimeType === undefined || isMediaType(body.mimeType)) return body;
  const { mimeType, ...rest } = body;
  return mimeType === "" ? rest : { ...rest, mimeTypeDropped: true };
}
