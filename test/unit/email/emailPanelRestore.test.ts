// The Summarize Email panel after a window reload: the serializer gets what the webview saved
// and the panel comes back with it; nothing that does not fit the state is taken over, and a
// summary that was still being made is shown as stopped, not as working forever.
import * as assert from 'node:assert/strict';
import { emptyEmailState, restoredEmailState, type EmailPanelState } from '../../../src/shared/emailPanelProtocol';

describe('email panel: restored after a window reload', () => {
  const done: EmailPanelState = {
    ...emptyEmailState(),
    status: 'done',
    source: 'paste',
    sourceLabel: 'pasted text',
    pasteText: 'From: Ann…',
    messages: 2,
    tokens: { original: 300, cleaned: 200, saved: 100 },
    redactions: { distinct: 3, occurrences: 5, byKind: { email: 1, name: 2 } },
    masked: true,
    promptName: 'email-summary',
    promptVersion: 1,
    model: 'bedrock/amazon.nova-lite-v1:0',
    runId: 'r_1',
    output: 'Ann Lee owns the rollout.',
    related: [{ path: 'docs/runbook.md', startLine: 1, endLine: 9, heading: 'Rollback', score: 0.8 }],
    rating: { thumbs: 'up', stars: 4 },
  };

  it('comes back as it was shown: summary, facts, related documents, rating, the paste box', () => {
    assert.deepEqual(restoredEmailState({ pasteText: 'edited since', state: done }, 'stopped'), { ...done, pasteText: 'edited since' });
  });

  it('a summary being made when the window went away is shown as stopped, with the reason', () => {
    const state = restoredEmailState({ state: { ...done, status: 'working', progress: 'Summarizing…', output: '' } }, 'reloaded: summarize again');
    assert.deepEqual([state.status, state.progress, state.error], ['failed', null, 'reloaded: summarize again']);
  });

  it('nothing saved, only the paste box, or values of the wrong kind: the empty panel with what fits', () => {
    assert.deepEqual(restoredEmailState(undefined, 'x'), emptyEmailState());
    assert.deepEqual(restoredEmailState({ pasteText: 'kept' }, 'x'), { ...emptyEmailState(), pasteText: 'kept' });
    const odd = restoredEmailState({ state: { ...done, status: 'exploded', messages: 'two', related: 'docs', output: 42, runId: 'r_2' } }, 'x');
    assert.deepEqual([odd.status, odd.messages, odd.related, odd.output, odd.runId], ['idle', 0, [], '', 'r_2']);
  });
});
