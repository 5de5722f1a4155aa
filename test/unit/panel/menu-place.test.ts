/** Drop-down menus stay in the viewport (issue 20: the Export menu opened off the left edge). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { placeMenu } from "../../../src/panel/menu-place";

const viewport = { width: 1280, height: 720 };
const size = { width: 240, height: 170 };

test("right-aligned under its button when there is room", () => {
  assert.deepEqual(placeMenu({ left: 1100, right: 1160, top: 2, bottom: 24 }, size, viewport), { left: 920, top: 26 });
});

test("a button at the left edge (a wrapped toolbar) gets a left-aligned menu, never off-screen", () => {
  const place = placeMenu({ left: 170, right: 228, top: 28, bottom: 50 }, size, viewport);
  assert.deepEqual(place, { left: 170, top: 52 });
  assert.ok(placeMenu({ left: -10, right: 30, top: 28, bottom: 50 }, size, viewport).left >= 0);
});

test("held inside a viewport narrower than button plus menu, and above or scrolling when short of room", () => {
  const narrow = placeMenu({ left: 150, right: 210, top: 2, bottom: 24 }, size, { width: 300, height: 720 });
  assert.ok(narrow.left >= 0 && narrow.left + size.width <= 300, JSON.stringify(narrow));
  assert.deepEqual(placeMenu({ left: 100, right: 160, top: 600, bottom: 622 }, size, viewport), { left: 100, top: 428 });
  const short = placeMenu({ left: 100, right: 160, top: 2, bottom: 24 }, size, { width: 1280, height: 120 });
  assert.equal(short.top, 26);
  assert.equal(short.maxHeight, 120 - 26 - 4);
});
