/** The panel opened as a page without a tab to show (panel.html, no ?tabId=): say so and how to open it. */
export function NoTab() {
  return (
    <div class="empty no-tab" role="alert">
      <h2>No tab to show</h2>
      <p>This panel shows the model calls of one browser tab, and this page was opened without one
        (the address has no <code>?tabId=</code>).</p>
      <ul>
        <li>Open DevTools on the page you want to trace (F12, or Ctrl+Shift+I; ⌥⌘I on a Mac) and choose the
          <strong> LLM Traces</strong> panel.</li>
        <li>To have it in a window of its own, click <em>Open in window</em> in that panel's toolbar: it opens
          this page as <code>panel.html?tabId=N</code> for that tab.</li>
        <li>To open it for a tab by hand, add that tab's id: <code>panel.html?tabId=N</code>. The README says how to
          find a tab's id (<em>Using it on your own app</em>).</li>
      </ul>
    </div>
  );
}
