import type { ModelProvider, ModelRequest, StreamEvent } from './types';

/**
 * Returns the rendered request as Markdown, without calling any model: for checking what a
 * prompt would send, offline.
 */
export class EchoProvider implements ModelProvider {
  readonly id = 'echo';

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    yield { type: 'start' };
    const sections = request.messages.map((m) => {
      const body = m.content
        .map((part) => ('text' in part && typeof part.text === 'string' ? part.text : '`' + JSON.stringify(part) + '`'))
        .join('');
      return `**${m.role}**\n\n${body}`;
    });
    const config = Object.keys(request.config).length ? `\n\n---\nconfig: \`${JSON.stringify(request.config)}\`` : '';
    const text = sections.join('\n\n') + config;
    if (signal.aborted) {
      yield { type: 'error', error: { kind: 'cancelled', message: 'The run was cancelled.' }, partial: false };
      return;
    }
    yield { type: 'text', text };
    const words = text.split(/\s+/).filter(Boolean).length;
    yield { type: 'usage', inputTokens: words, outputTokens: words };
    yield { type: 'stop', stopReason: 'end_turn' };
  }
}
