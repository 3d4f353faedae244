/**
 * The Lineage panel's typed protocol (host: src/host/releases/lineagePanel.ts, webview:
 * src/webview/lineage/main.ts). The webview says `ready`; the host answers with a whole snapshot.
 * Everything from the records is shown as text (textContent), never as HTML.
 *
 * Stable DOM for tests: `#title`, `#chain .version[data-version]` (each with `.diff .add|.remove`),
 * `#datasets li`, `#runs li`, `#ratings li`, `#releases li[data-release]`, `#problems`.
 */
import type { LineageSnapshot } from '../core/releases/lineageTypes';

export type { LineageSnapshot };

export type HostToLineage = { type: 'snapshot'; state: LineageSnapshot };

export type LineageToHost = { type: 'ready' } | { type: 'resync' } | { type: 'openVersion'; version: number };
