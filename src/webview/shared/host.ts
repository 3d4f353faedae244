/**
 * A webview's one link to its panel on the extension host (src/host/webview/panelShell.ts),
 * typed by the panel's protocol (src/shared/*Protocol.ts): post to the host, handle what it
 * posts, keep state across a reload, and say `ready` once the page listens. The only place
 * that calls `acquireVsCodeApi` (VS Code allows it once per page).
 */
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;

export interface HostLink<ToHost, FromHost, Saved> {
  post(message: ToHost): void;
  /** Calls `handler` with every message the host posts. */
  onMessage(handler: (message: FromHost) => void): void;
  /** What the page saved before it was reloaded or hidden, if anything. */
  saved(): Saved | undefined;
  save(state: Saved): void;
  /** Tells the host the page listens: it answers with what to show. Call it last. */
  ready(): void;
}

export function connectToHost<ToHost extends { type: string }, FromHost extends { type: string }, Saved = unknown>(): HostLink<ToHost, FromHost, Saved> {
  const vscode = (api ??= acquireVsCodeApi());
  return {
    post: (message) => vscode.postMessage(message),
    onMessage: (handler) =>
      window.addEventListener('message', (event: MessageEvent<FromHost>) => {
        if (event.data && typeof event.data.type === 'string') handler(event.data);
      }),
    saved: () => (vscode.getState() ?? undefined) as Saved | undefined,
    save: (state) => vscode.setState(state),
    ready: () => vscode.postMessage({ type: 'ready' }),
  };
}
