/**
 * Local input/output filters for any provider (`promptWorkbench.filters.deny`): plain words
 * (whole words, any case) and `/regex/flags` patterns. Nothing leaves the machine to check them.
 *
 * A pattern can come from a cloned repository's settings, and a backtracking regular expression
 * like `/(a+)+$/` can take hours on a short text. So a pattern with a repeated group that itself
 * repeats is refused when compiled, and every pattern runs with a time budget: one that runs
 * out is reported, counts as a match this once (the text is held back, not let through), and
 * is not run again.
 */
import * as vm from 'node:vm';

export interface DenyFilter {
  pattern: RegExp;
  /** How a person reads it in a reason: `denied word “secret”`, `denied pattern /\d{6}/`. */
  label: string;
  /** Set when the pattern ran out of its time budget: it is not run again. */
  disabled?: string;
}

/** How long one pattern may run on one text. */
export const DENY_PATTERN_BUDGET_MS = 100;

/**
 * Why a pattern may backtrack catastrophically, or undefined: a quantified group that
 * contains a quantifier or an alternation (`(a+)+`, `(\w*)*`, `(a|ab)*`), or a backreference.
 */
export function catastrophicPatternReason(source: string): string | undefined {
  if (/\\[1-9]|\\k</.test(source)) return 'it uses a backreference';
  // Strip escapes and classes, then look for a group whose body repeats and that is repeated itself.
  const plain = source.replace(/\\./g, 'x').replace(/\[[^\]]*\]/g, 'x');
  const stack: { inner: boolean }[] = [];
  for (let i = 0; i < plain.length; i++) {
    const c = plain[i];
    if (c === '(') stack.push({ inner: false });
    else if (c === ')') {
      const group = stack.pop();
      const next = plain[i + 1];
      const repeated = next === '*' || next === '+' || (next === '{' && /^\{\d*,\d*\}|^\{\d{2,}\}/.test(plain.slice(i + 1)));
      if (group?.inner && repeated) return 'a repeated group contains a repetition or alternatives (nested quantifiers backtrack exponentially)';
      if (group?.inner && stack.length) stack[stack.length - 1].inner = true;
    } else if ((c === '*' || c === '+' || c === '{' || c === '|') && stack.length) stack[stack.length - 1].inner = true;
  }
  return undefined;
}

export function compileDenyList(entries: unknown): { filters: DenyFilter[]; problems: string[] } {
  const filters: DenyFilter[] = [];
  const problems: string[] = [];
  if (entries === undefined || entries === null) return { filters, problems };
  if (!Array.isArray(entries)) return { filters, problems: ['promptWorkbench.filters.deny must be a list of words or /patterns/; it was ignored.'] };
  for (const entry of entries) {
    if (typeof entry !== 'string' || !entry.trim()) continue;
    const regex = /^\/(.+)\/([a-z]*)$/s.exec(entry.trim());
    try {
      if (regex) {
        const risky = catastrophicPatternReason(regex[1]);
        if (risky) {
          problems.push(`The deny-list pattern ${entry} could take very long on some texts (${risky}); it was ignored. Rewrite it without nested repetition.`);
          continue;
        }
        const flags = [...new Set((regex[2] + 'u').replace(/[gy]/g, ''))].join('');
        filters.push({ pattern: new RegExp(regex[1], flags), label: `denied pattern /${regex[1]}/` });
      } else {
        const word = entry.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        filters.push({ pattern: new RegExp(`(?<![\\p{L}\\p{N}_])${word}(?![\\p{L}\\p{N}_])`, 'iu'), label: `denied word “${entry.trim()}”` });
      }
    } catch (err) {
      problems.push(`The deny-list pattern ${entry} is not a valid regular expression (${(err as Error).message}); it was ignored.`);
    }
  }
  return { filters, problems };
}

const sandbox = vm.createContext({ pattern: /$^/, text: '' });
const testScript = new vm.Script('pattern.test(text)');

/** Runs one regular expression with the time budget; undefined when it ran out. */
function testWithBudget(pattern: RegExp, text: string): boolean | undefined {
  sandbox.pattern = pattern;
  sandbox.text = text;
  try {
    return testScript.runInContext(sandbox, { timeout: DENY_PATTERN_BUDGET_MS }) === true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return undefined;
    throw err;
  } finally {
    sandbox.text = '';
  }
}

/**
 * The label of every filter the text trips. A pattern that runs out of its time budget counts
 * as tripped (with a reason saying so) and is disabled; `onProblem` hears about it once.
 */
export function denyListReasons(text: string, filters: readonly DenyFilter[], onProblem?: (message: string) => void): string[] {
  const reasons: string[] = [];
  for (const f of filters) {
    if (f.disabled) continue;
    const hit = f.label.startsWith('denied word') ? f.pattern.test(text) : testWithBudget(f.pattern, text);
    if (hit === undefined) {
      f.disabled = `The deny-list ${f.label.replace(/^denied /, '')} took longer than ${DENY_PATTERN_BUDGET_MS} ms on a ${text.length}-character text, so it is switched off until the settings change; the text was held back this time. Rewrite it without nested repetition.`;
      onProblem?.(f.disabled);
      reasons.push(`${f.label} (too slow to check: switched off)`);
    } else if (hit) reasons.push(f.label);
  }
  return reasons;
}

/** The filters switched off for running out of time, as sentences. */
export function disabledFilterProblems(filters: readonly DenyFilter[]): string[] {
  return filters.flatMap((f) => (f.disabled ? [f.disabled] : []));
}
