/** Settings page: capture scope, storage, redaction, rules, prices, OpenTelemetry push. */
import { render } from "preact";
import { connect } from "../shared/connection";
import { SETTINGS_PORT } from "../shared/messages";
import { CaptureSection } from "./sections/Capture";
import { OtlpSection, PricesSection } from "./sections/Advanced";
import { RulesSection } from "./sections/Rules";
import { RedactionSection } from "./sections/Redaction";
import { StorageSection } from "./sections/Storage";
import { SavedStatus } from "./SavedStatus";
import { loadSettings } from "./store";

const connection = connect(SETTINGS_PORT);

function Options() {
  return (
    <main>
      <h1>LLM Traces settings</h1>
      <SavedStatus />
      <CaptureSection />
      <RedactionSection connection={connection} />
      <StorageSection connection={connection} />
      <RulesSection />
      <PricesSection />
      <OtlpSection connection={connection} />
    </main>
  );
}

void loadSettings().then(() => render(<Options />, document.getElementById("root")!));
