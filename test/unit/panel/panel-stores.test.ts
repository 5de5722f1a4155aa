/**
 * The panel's small stores (state/): made by factories, so each test gets its own, with a fake
 * connection, and two panels share nothing.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Connection } from "../../../src/panel/connection";
import type { RpcMethod, SessionInfo, SiteState } from "../../../src/shared/messages";
import { createDetailStore } from "../../../src/panel/state/detail";
import { createLayoutStore } from "../../../src/panel/state/layout";
import { createNoticeStore } from "../../../src/panel/state/notices";
import { createPricesStore } from "../../../src/panel/state/prices";
import { createSessionsStore } from "../../../src/panel/state/sessions";
import { createSiteStore } from "../../../src/panel/state/site";

/** A connection answering each method from `answers`; it records the calls. */
function fakeConnection(answers: Partial<Record<RpcMethod, (params: unknown) => unknown>>) {
  const calls: [RpcMethod, unknown][] = [];
  const connection: Connection = {
    async call(method: RpcMethod, params: never) {
      calls.push([method, params]);
      const answer = answers[method];
      if (!answer) throw new Error(`no answer for ${method}`);
      return answer(params) as never;
    },
    subscribe: () => () => {},
    close() {},
  };
  return { connection, calls };
}

const settle = () => new Promise((r) => setImmediate(r));

test("two detail stores share nothing: each panel remembers its own tab, text view and chat scope", () => {
  const prices = createPricesStore();
  const a = createDetailStore(prices.table);
  const b = createDetailStore(prices.table);
  a.rememberedTab.value = "usage";
  a.textView.value = "raw";
  a.chatScope.value = "conversation";
  assert.equal(b.rememberedTab.value, undefined);
  assert.equal(b.textView.value, "rendered");
  assert.equal(b.chatScope.value, "trace");
});

test("prices read from the settings reach the detail store that was given them", () => {
  const prices = createPricesStore();
  const detail = createDetailStore(prices.table);
  prices.setFromSettings('{ "my-finetune": { "input": 3, "output": 12 } }');
  assert.ok(detail.prices.value?.["my-finetune"]);
});

test("layout: resizing one pane keeps the other's size", () => {
  const layout = createLayoutStore();
  layout.resizeWaterfall(200);
  layout.resizeList(500);
  assert.deepEqual(layout.sizes.value, { listWidth: 500, waterfallHeight: 200 });
});

test("notices: shown, then dismissed", () => {
  const notices = createNoticeStore();
  notices.show({ kind: "error", text: "Nothing to export" });
  assert.equal(notices.current.value?.text, "Nothing to export");
  notices.dismiss();
  assert.equal(notices.current.value, undefined);
});

test("sessions: refreshed from the background, and named in a side's source; a failed refresh keeps the list", async () => {
  const list: SessionInfo[] = [{ id: 3, name: "run.har", spans: 4 } as SessionInfo];
  let fail = false;
  const { connection } = fakeConnection({ listSessions: () => { if (fail) throw new Error("gone"); return list; } });
  const sessions = createSessionsStore(connection);
  assert.equal(sessions.sourceLabel(3), "imported");
  await sessions.refresh();
  assert.equal(sessions.sourceLabel(3), "imported run.har");
  assert.equal(sessions.sourceLabel(undefined), "live tab");
  fail = true;
  await sessions.refresh();
  assert.equal(sessions.list.value.length, 1);
});

test("site: the reload is offered when recording began late, and a click sets the new policy", async () => {
  const state = (policy: SiteState["policy"]) => ({ host: "example.com", policy }) as SiteState;
  const { connection, calls } = fakeConnection({ getSiteState: () => state("devtools"), setSiteCapture: () => state("always") });
  const site = createSiteStore(connection);
  site.load((s) => s.policy === "devtools");
  await settle();
  assert.equal(site.offerReload.value, true);
  site.setCapture(true);
  await settle();
  assert.equal(site.site.value?.policy, "always");
  assert.deepEqual(calls.at(-1), ["setSiteCapture", { capture: true }]);
});
