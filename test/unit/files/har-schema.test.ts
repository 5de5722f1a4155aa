/**
 * Exported files validate against the HAR 1.2 JSON schema (the har-schema package, the schema
 * HAR tooling on npm validates with), checked with ajv including its formats (uri, date-time,
 * ipv4/ipv6). har-schema is written in draft-06 and uses a few non-standard keywords
 * ("optional", "min", "unique"), hence the draft-06 meta-schema and strict: false.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { harText, toHar } from "../../../src/core/files";
import { fullSession, META, oddBodies, supportBotTrace } from "../../fixtures/files/session";
import { chromeHar } from "../../fixtures/files/chrome-har";
import { firefoxHar } from "../../fixtures/files/firefox-har";

const require = createRequire(import.meta.url);
const schemas = require("har-schema") as Record<string, object>;

function validator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(require("ajv/dist/refs/json-schema-draft-06.json"));
  addFormats(ajv);
  for (const s of Object.values(schemas)) ajv.addSchema(s);
  const validate = ajv.getSchema("har.json#");
  assert.ok(validate, "har.json schema");
  return (data: unknown): string[] => (validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}

describe("HAR 1.2 JSON schema", () => {
  const validate = validator();

  it("accepts our exports (the file as written, parsed back)", () => {
    for (const session of [fullSession(), supportBotTrace(), oddBodies(), { spans: [], exchanges: [] }]) {
      assert.deepEqual(validate(JSON.parse(harText(toHar(session, META)))), []);
    }
  });

  it("accepts the hand-written Chrome and Firefox fixtures (so they are realistic)", () => {
    assert.deepEqual(validate(chromeHar()), []);
    assert.deepEqual(validate(firefoxHar()), []);
  });

  it("rejects a file with a required field missing (the validator is really checking)", () => {
    const har = JSON.parse(harText(toHar(supportBotTrace(), META)));
    delete har.log.entries[0].response.content.mimeType;
    har.log.entries[1].request.bodySize = 1.5;
    assert.equal(validate(har).length, 2);
  });
});
