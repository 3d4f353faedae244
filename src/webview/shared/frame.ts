/**
 * Returns a function that asks for `draw` to run in the next animation frame: however often it
 * is called (a message per token), `draw` runs at most once per frame, with whatever arrived.
 */
export function oncePerFrame(draw: () => void): () => void {
  let requested = false;
  return () => {
    if (requested) return;
    requested = true;
    requestAnimationFrame(() => {
      requested = false;
      draw();
    });
  };
}
