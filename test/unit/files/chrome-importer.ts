/**
 * What Chrome DevTools' HAR importer requires, written down from reading its source
 * (devtools-frontend front_end/models/har/HARFormat.ts and Importer.ts):
 * - every object it descends into must be a non-null object, or its constructor throws;
 * - dates go through `new Date()` and a NaN date throws;
 * - "safe" numbers go through Number() and NaN throws: entry.time, request/response
 *   headersSize and bodySize, response.status, content.size, timings send/wait/receive;
 * - optional numbers (page timings, timings blocked/dns/connect/ssl, content.compression,
 *   response._transferSize) throw on NaN when present;
 * - log.entries must be an array; strings are read with String() (so must be strings to mean
 *   anything); response.httpVersion has .toLowerCase() called on it;
 * - custom fields it reads: _resourceType (a resource type name), _fromCache, _initiator
 *   (object), _priority, _error, _transferSize, _webSocketMessages (array).
 * This returns every violation found, so a test can show them all at once.
 */
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const RESOURCE_TYPES = new Set(["document", "stylesheet", "image", "media", "font", "script", "texttrack", "xhr", "fetch", "prefetch", "eventsource", "websocket", "manifest", "signed-exchange", "ping", "csp-violation-report", "preflight", "other", "fedcm"]);

export function chromeImporterProblems(har: unknown): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, what: string): void => void (ok ? undefined : problems.push(what));
  const num = (v: unknown, what: string): void => need(typeof v === "number" && Number.isFinite(v), `${what} must be a finite number (got ${JSON.stringify(v)})`);
  const optNum = (v: unknown, what: string): void => {
    if (v !== undefined) num(v, what);
  };
  const str = (v: unknown, what: string): void => need(typeof v === "string", `${what} must be a string`);
  const date = (v: unknown, what: string): void => need(typeof v === "string" && !Number.isNaN(new Date(v).getTime()) && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v), `${what} must be an ISO 8601 date`);
  const nameValues = (v: unknown, what: string): void => {
    need(Array.isArray(v), `${what} must be an array`);
    if (Array.isArray(v)) v.forEach((h, i) => need(isObj(h) && typeof h.name === "string" && typeof h.value === "string", `${what}[${i}] must have string name and value`));
  };

  if (!isObj(har) || !isObj(har.log)) return ["root.log must be an object"];
  const log = har.log;
  str(log.version, "log.version");
  need(isObj(log.creator) && typeof log.creator.name === "string" && typeof log.creator.version === "string", "log.creator needs name and version");
  const pageIds = new Set<string>();
  if (log.pages !== undefined) {
    need(Array.isArray(log.pages), "log.pages must be an array");
    (Array.isArray(log.pages) ? log.pages : []).forEach((p: unknown, i: number) => {
      const w = `log.pages[${i}]`;
      if (!isObj(p)) return void problems.push(`${w} must be an object`);
      date(p.startedDateTime, `${w}.startedDateTime`);
      str(p.id, `${w}.id`);
      str(p.title, `${w}.title`);
      if (typeof p.id === "string") pageIds.add(p.id);
      if (!isObj(p.pageTimings)) return void problems.push(`${w}.pageTimings must be an object`);
      optNum(p.pageTimings.onContentLoad, `${w}.pageTimings.onContentLoad`);
      optNum(p.pageTimings.onLoad, `${w}.pageTimings.onLoad`);
    });
  }
  if (!Array.isArray(log.entries)) return [...problems, "log.entries must be an array"];
  log.entries.forEach((e: unknown, i: number) => {
    const w = `entries[${i}]`;
    if (!isObj(e)) return void problems.push(`${w} must be an object`);
    if (e.pageref !== undefined) need(typeof e.pageref === "string" && pageIds.has(e.pageref), `${w}.pageref must name a page`);
    date(e.startedDateTime, `${w}.startedDateTime`);
    num(e.time, `${w}.time`);
    if (e._resourceType !== undefined) need(typeof e._resourceType === "string" && RESOURCE_TYPES.has(e._resourceType), `${w}._resourceType must be a Chrome resource type`);
    if (e._initiator !== undefined) need(isObj(e._initiator), `${w}._initiator must be an object`);
    // HARFormat.ts HARWebSocketMessage: Number(time), Number(opcode), String(data), String(type).
    if (e._webSocketMessages !== undefined) {
      need(Array.isArray(e._webSocketMessages), `${w}._webSocketMessages must be an array`);
      (Array.isArray(e._webSocketMessages) ? e._webSocketMessages : []).forEach((m: unknown, j: number) => {
        const mw = `${w}._webSocketMessages[${j}]`;
        if (!isObj(m)) return void problems.push(`${mw} must be an object`);
        num(m.time, `${mw}.time`);
        num(m.opcode, `${mw}.opcode`);
        str(m.data, `${mw}.data`);
        need(m.type === "send" || m.type === "receive", `${mw}.type must be "send" or "receive"`);
      });
    }
    const rq = e.request;
    if (!isObj(rq)) problems.push(`${w}.request must be an object`);
    else {
      str(rq.method, `${w}.request.method`);
      str(rq.url, `${w}.request.url`);
      str(rq.httpVersion, `${w}.request.httpVersion`);
      nameValues(rq.headers, `${w}.request.headers`);
      nameValues(rq.queryString, `${w}.request.queryString`);
      nameValues(rq.cookies, `${w}.request.cookies`);
      if (rq.postData !== undefined) {
        need(isObj(rq.postData), `${w}.request.postData must be an object`);
        if (isObj(rq.postData)) {
          str(rq.postData.mimeType, `${w}.request.postData.mimeType`);
          if (rq.postData.text !== undefined) str(rq.postData.text, `${w}.request.postData.text`);
        }
      }
      num(rq.headersSize, `${w}.request.headersSize`);
      num(rq.bodySize, `${w}.request.bodySize`);
    }
    const rs = e.response;
    if (!isObj(rs)) problems.push(`${w}.response must be an object`);
    else {
      num(rs.status, `${w}.response.status`);
      str(rs.statusText, `${w}.response.statusText`);
      str(rs.httpVersion, `${w}.response.httpVersion`);
      nameValues(rs.headers, `${w}.response.headers`);
      nameValues(rs.cookies, `${w}.response.cookies`);
      str(rs.redirectURL, `${w}.response.redirectURL`);
      num(rs.headersSize, `${w}.response.headersSize`);
      num(rs.bodySize, `${w}.response.bodySize`);
      optNum(rs._transferSize, `${w}.response._transferSize`);
      if (rs._error !== undefined && rs._error !== null) str(rs._error, `${w}.response._error`);
      const c = rs.content;
      if (!isObj(c)) problems.push(`${w}.response.content must be an object`);
      else {
        num(c.size, `${w}.response.content.size`);
        str(c.mimeType, `${w}.response.content.mimeType`);
        optNum(c.compression, `${w}.response.content.compression`);
        if (c.text !== undefined) str(c.text, `${w}.response.content.text`);
        if (c.encoding !== undefined) need(c.encoding === "base64", `${w}.response.content.encoding must be "base64"`);
      }
    }
    const t = e.timings;
    if (!isObj(t)) problems.push(`${w}.timings must be an object`);
    else {
      for (const k of ["send", "wait", "receive"]) num(t[k], `${w}.timings.${k}`);
      for (const k of ["blocked", "dns", "connect", "ssl"]) optNum(t[k], `${w}.timings.${k}`);
    }
  });
  return problems;
}
