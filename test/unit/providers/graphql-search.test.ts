import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { graphqlSearchText } from "../../../src/core/providers/graphql-search";
import { assertFast } from "../timing";

const get = (args: string): string => `{ Get { Article(${args}, limit: 3) { title _additional { id distance } } } }`;

describe("graphqlSearchText", () => {
  it("nearText: the concepts, joined", () => {
    assert.equal(graphqlSearchText(get('nearText: {concepts: ["reset password", "2fa"]}')), "reset password, 2fa");
  });

  it("takes nearText's own concepts, not those of moveTo inside it", () => {
    assert.equal(graphqlSearchText(get('nearText: {moveTo: {concepts: ["x"], force: 0.5}, concepts: ["y"]}')), "y");
  });

  it("reads strings as strings: braces, brackets and escaped quotes inside them", () => {
    assert.equal(graphqlSearchText(get('nearText: {concepts: ["a } b ] c", "say \\"hi\\"", "caf\\u00e9"]}')), 'a } b ] c, say "hi", café');
  });

  it("hybrid, bm25 and ask: the query or question", () => {
    assert.equal(graphqlSearchText(get('hybrid: {query: "how to reset", alpha: 0.5}')), "how to reset");
    assert.equal(graphqlSearchText(get('bm25: {properties: ["title"], query: "bm"}')), "bm");
    assert.equal(graphqlSearchText(get('ask: {question: "why?"}')), "why?");
    assert.equal(graphqlSearchText(get('hybrid: {query: """a "block" string"""}')), 'a "block" string');
  });

  it("nearText comes first, wherever it is", () => {
    assert.equal(graphqlSearchText(`{ Get { A(hybrid: {query: "h"}) { x } B(nearText: {concepts: ["n"]}) { y } } }`), "n");
  });

  it("ignores comments, variables and keys outside the search operator", () => {
    assert.equal(graphqlSearchText(`# nearText: {concepts: ["no"]}\n${get('hybrid: {query: "yes"}')}`), "yes");
    assert.equal(graphqlSearchText(get("hybrid: {query: $q}")), undefined);
    assert.equal(graphqlSearchText(get('where: {query: "not a search"}')), undefined);
    assert.equal(graphqlSearchText(""), undefined);
  });

  it("a query cut off by the capture cap keeps the concepts read so far", () => {
    assert.equal(graphqlSearchText('{ Get { A(nearText: {concepts: ["a", "b'), "a");
  });

  it("takes linear time on 2 MB built to make a pattern backtrack", () => {
    const mb2 = (unit: string, head = ""): string => head + unit.repeat(Math.ceil((2 * 1024 * 1024) / unit.length));
    for (const text of [
      mb2("nearText:{"),
      mb2("nearText : {concepts : ["),
      mb2("hybrid:{query:"),
      mb2('\\"', 'hybrid:{query:"'),
      mb2("{"),
      mb2("[", "nearText:{concepts:"),
      mb2('"a",', "nearText:{concepts:["),
      mb2("a", '"'),
      mb2("# nearText\n"),
    ]) {
      assertFast(() => graphqlSearchText(text), `graphqlSearchText on ${JSON.stringify(text.slice(0, 30))}`);
    }
  });
});
