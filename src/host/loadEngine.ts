export type Engine = typeof import('./engine');

let engine: Promise<Engine> | undefined;

/** Loads dist/engine.js once, on first use (see engine.ts). */
export function loadEngine(): Promise<Engine> {
  engine ??= import('./engine');
  return engine;
}
