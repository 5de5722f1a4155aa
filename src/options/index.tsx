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
import { createSettingsStore, type SettingsStore } from "./store";

const connection = connect(SETTINGS_PORT);

function Options({ store }: { store: SettingsStore }) {
  return (
    <main>
      <h1>LLM Traces settings</h1>
      <SavedStatus store={store} />
      <CaptureSection store={store} />
      <RedactionSection store={store} connection={connection} />
      <StorageSection store={store} connection={connection} />
      <RulesSection store={store} />
      <PricesSection store={store} />
      <OtlpSection store={store} connection={connection} />
    </main>
  );
}

const store = createSettingsStore();
void store.load().then(() => render(<Options store={store} />, document.getElementById("root")!));
