/** panel.html as a page: only a whole ?tabId= names a tab; without one there is none (not tab 0). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { tabIdFromSearch } from "../../../src/panel/tab-id";

test("?tabId= names a tab only when it is a whole number", () => {
  assert.equal(tabIdFromSearch("?tabId=12"), 12);
  assert.equal(tabIdFromSearch("?tabId=0"), 0);
  for (const search of ["", "?", "?tabId=", "?tabId=abc", "?tabId=-1", "?tabId=1.5", "?tabId=1e3", "?other=3", "?tabId=99999999999999999999"]) {
    assert.equal(tabIdFromSearch(search), undefined, search);
  }
});
