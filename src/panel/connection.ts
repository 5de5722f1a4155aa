/** The panel's line to the background: the port of the tab it inspects (every call is scoped to it). */
import { connect as connectPort, type Connection } from "../shared/connection";
import { panelPortName } from "../shared/messages";

export type { Connection };

export const connect = (tabId: number): Connection => connectPort(panelPortName(tabId));
