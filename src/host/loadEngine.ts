export type Engine = typeof import('./engine');

/** Loads dist/engine.js on first use (see engine.ts); the module cache keeps it loaded after that. */
export function loadEngine(): Promise<Engine> {
  return import('./engine');
}
