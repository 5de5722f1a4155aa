import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LOOKBEHIND_MAX, MAX_SPAN, REPEAT_CAP, shapeRegex } from "../../src/core/redaction/regex";

const error = (source: string): string => {
  const shape = shapeRegex(source);
  assert.equal(shape.ok, false, `${source} should be refused`);
  return shape.ok ? "" : shape.error;
};

const accepted = (source: string) => {
  const shape = shapeRegex(source);
  assert.ok(shape.ok, `${source}: ${shape.ok ? "" : shape.error}`);
  return shape;
};

describe("regex shape: what is refused, and why", () => {
  it("syntax errors, empty patterns and unsupported features get readable messages", () => {
    assert.equal(error(""), "Enter a pattern.");
    assert.match(error("("), /^Not a valid regular expression: .*Unterminated group/);
    assert.match(error("a{2,1}"), /^Not a valid regular expression/);
    assert.match(error("(\\w)\\1"), /Back-references \(\\1\)/);
    assert.match(error("(?<x>a)\\k<x>"), /Back-references/);
  });

  it("patterns that can match empty text", () => {
    for (const p of ["a*", "a?", "^", "\\b", "(?=x)", "(?:a|)", "x*y*"]) assert.match(error(p), /can match empty text/, p);
    assert.match(error("x(?:a?)+"), /repeats something that can match empty text/);
  });

  it("nested repetition and overlapping repetition (catastrophic backtracking)", () => {
    assert.match(error("x(a+)+y"), /"a" is repeated inside another repetition/);
    assert.match(error("(?:\\d+)*z"), /repeated inside another repetition/);
    assert.match(error("x(a|a)+"), /"a" and "a" can match the same character/);
    assert.match(error("x(?:a|ab)+"), /can match the same character/);
    assert.match(error("x\\w*\\w*"), /"\\w" and "\\w" can match the same character/);
    assert.match(error(".*x.*"), /"\." and "x" can match the same character/);
    assert.match(error("key=.*&"), /\[\^,\]\* instead of \.\*/);
    assert.match(error("\\s*-?\\s*\\d+"), /can match the same character/);
    // Classic ReDoS shapes from the literature.
    for (const p of ["(\\w+\\s?)+$", "^(a|aa)+$", "(x+x+)+y", "(.*a){12}", "^(([a-z])+.)+[A-Z]([a-z])+$", "(a|b|ab)*c"]) error(p);
  });

  it("look-behinds longer than the context a stream keeps, and matches wider than MAX_SPAN", () => {
    assert.match(error("(?<=a{80})b"), new RegExp(`at most ${LOOKBEHIND_MAX} characters; this one can reach 80`));
    assert.match(error("(?<=a+)b"), /look back at most/);
    assert.match(error("a{3000}"), /can match up to 3,000 characters/);
    assert.match(error("x[^y]{1,1500}y[^z]{1,1500}"), new RegExp(`limit is ${MAX_SPAN}`));
  });

  it("too many alike alternatives in a row are refused (bounded, but exponential in the pattern)", () => {
    assert.match(error("(?:ab|ac|ad|ae)(?:ab|ac|ad|ae)(?:ab|ac|ad|ae)"), /Too many alternatives/);
  });
});

describe("regex shape: what is accepted", () => {
  it("everyday redaction patterns", () => {
    for (const p of [
      "secret-\\w+", "password\\s*[:=]\\s*\\S+", "key=[^&]*", "\\d+(?:\\.\\d+)?", "cust_[0-9]{6}",
      "(?:\\+?1[ -]?)?\\d{3}[ -]?\\d{3}[ -]?\\d{4}", "(?<=token=)[A-Za-z0-9]{8,}", "(?:secret|sesame)-\\d+",
      "[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,40}){1,4}", "Ünïcödé", "\\p{Lu}{3}-\\d{4}",
      "[\\u{1F600}-\\u{1F64F}]x", "a.*",
    ]) accepted(p);
  });

  it("open repetitions are bounded in the compiled source; the span counts them", () => {
    const s = accepted("secret-\\w+");
    assert.equal(s.source, `secret-\\w{1,${REPEAT_CAP}}`);
    assert.equal(s.span, 7 + REPEAT_CAP + 1);
    assert.equal(accepted("a{2,}?b").source, `a{2,${REPEAT_CAP}}?b`);
    assert.equal(accepted("a{300,}").source, "a{300,300}");
    // A dot can match an astral character: two UTF-16 units.
    assert.equal(accepted("a.{0,10}").span, 1 + 20 + 1);
  });

  it("look-arounds add to the span and the look-behind reach", () => {
    const s = accepted("(?<=Bearer {1,4})[A-Za-z0-9]{16,40}(?=\\b|[ ,]{2})");
    assert.equal(s.behind, 10);
    assert.equal(s.span, 40 + 2 + 1);
  });

  it("what is accepted compiles and behaves as the original on short text", () => {
    const s = accepted("cust-[0-9]+");
    assert.deepEqual("a cust-123 b".match(new RegExp(s.source, "gu")), ["cust-123"]);
  });
});
