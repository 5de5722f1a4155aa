/** Settings page: capture scope, storage, redaction, rules, prices, OpenTelemetry push. */
import { render } from "preact";
import { CaptureSection } from "./sections/Capture";
import { OtlpSection, PricesSection, RulesSection } from "./sections/Advanced";
import { RedactionSection } from "./sections/Redaction";
import { StorageSection } from "./sections/Storage";
import { loadSettings, savedAt } from "./store";

function Options() {
  return (
    <main>
      <h1>LLM Traces settings <span class="saved" role="status">{savedAt.value ? "Saved" : ""}</span></h1>
      <CaptureSection />
      <RedactionSection />
      <StorageSection />
      <RulesSection />
      <PricesSection />
      <OtlpSection />
    </main>
  );
}

void loadSettings().then(() => render(<Options />, document.getElementById("root")!));
