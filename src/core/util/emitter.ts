/** What `on…` returns: call `dispose()` to stop listening. */
export interface Subscription {
  dispose(): void;
}

/** Subscribes a listener (the shape of VS Code's `Event<T>`, so host code can treat both alike). */
export type Event<T> = (listener: (event: T) => void) => Subscription;

/**
 * A tiny typed event emitter for core (no `vscode`, no Node `events`): `event` to subscribe,
 * `fire` to tell every listener in the order they subscribed. A listener that throws does not
 * keep the others from hearing it; the error is handed to `onListenerError`.
 */
export class Emitter<T> {
  private listeners: ((event: T) => void)[] = [];

  constructor(private readonly onListenerError: (err: unknown) => void = () => undefined) {}

  readonly event: Event<T> = (listener) => {
    this.listeners.push(listener);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
    };
  };

  fire(event: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  dispose(): void {
    this.listeners = [];
  }
}
