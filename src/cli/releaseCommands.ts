/**
 * `prompt-workbench release list|approve|publish|verify`: releases from the command line, on the
 * same core as the editor's Releases view (src/core/releases/).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { describePromptVersion } from '../core/versions/promptVersions';
import { approveScoreboardRow } from '../core/releases/releaseApproval';
import { publishRelease } from '../core/releases/promptManagement';
import type { Release } from '../core/releases/releaseRecord';
import { readReleases } from '../core/releases/releaseStore';
import { verifyReleaseOnDataset, verifyReportMarkdown } from '../core/releases/verifyRelease';
import { streamScoreboard } from '../core/ratings/scoreboardStream';
import { CliError, CliRuntime, RUNTIME_OPTIONS } from './runtime';

export const RELEASE_USAGE = `  prompt-workbench release list [--prompt NAME] [--json]
  prompt-workbench release approve FILE --model ID --note TEXT [--json]
  prompt-workbench release publish RELEASE_ID [--json]
  prompt-workbench release verify RELEASE_ID [--dataset PATH] [--json]   (exit 1 without parity)`;

/** Who approves: git's user.name in the workspace, else the OS account. */
function whoAmI(workspace: string): string {
  try {
    const name = execFileSync('git', ['config', 'user.name'], { cwd: workspace, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 3000 }).trim();
    if (name) return name;
  } catch {
    // no git, or no name set
  }
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

function releaseJson(r: Release) {
  const { history, ...rest } = r;
  return { ...rest, stateChanges: history.length };
}

export async function runReleaseCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...RUNTIME_OPTIONS, prompt: { type: 'string' }, note: { type: 'string' }, dataset: { type: 'string' } },
  });
  const [sub, target] = positionals;
  const workspace = path.resolve(values.workspace ?? '.');
  if (!fs.existsSync(workspace)) throw new CliError(`--workspace ${values.workspace}: no such folder.`);
  const print = (doc: unknown, human: string) => console.log(values.json ? JSON.stringify(doc, null, 2) : human);

  if (sub === 'list') {
    const { releases, problems } = await readReleases(workspace);
    for (const p of problems) console.error(`warning: .prompt-workbench/releases.jsonl${p.line ? `:${p.line}` : ''}: skipped: ${p.message}`);
    const shown = releases.filter((r) => !values.prompt || r.prompt.name === values.prompt);
    print(
      { releases: shown.map(releaseJson) },
      shown.length
        ? shown.map((r) => `${r.id}  ${r.prompt.name} v${r.prompt.version}  ${r.model}  ${r.state}${r.published ? `  ${r.published.promptArn}:${r.published.promptVersion}` : ''}  ${r.by} ${r.ts.slice(0, 10)}: ${r.note}`).join('\n')
        : 'No releases yet: approve a prompt version × model with `prompt-workbench release approve FILE --model ID --note TEXT`.',
    );
    return 0;
  }
  if (sub === 'approve') {
    if (!target) throw new CliError('release approve: name the .prompt file whose current version you approve.');
    if (!values.model) throw new CliError('release approve: name the model with --model ID (a row of `prompt-workbench scoreboard`).');
    if (!values.note?.trim()) throw new CliError('release approve: say why with --note TEXT.');
    const file = path.resolve(target);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new CliError(`Cannot read ${target}: ${(err as Error).message}`);
    }
    const info = describePromptVersion(text, file);
    const model = values.model.includes('/') ? values.model : `bedrock/${values.model}`;
    const { rows } = await streamScoreboard([workspace], { prompt: info.name, persist: false });
    const row = rows.find((r) => r.version === info.version && r.model === model);
    if (!row) throw new CliError(`The scoreboard has no row for ${info.name} v${info.version} on ${model}: run (and rate) it first.`);
    const line = await approveScoreboardRow(workspace, { row, by: whoAmI(workspace), note: values.note, working: [{ file, text }] });
    print({ release: line }, `Approved ${line.prompt.name} v${line.prompt.version} on ${line.model}: release ${line.id}`);
    return 0;
  }
  if (sub === 'publish' || sub === 'verify') {
    if (!target) throw new CliError(`release ${sub}: name the release id (see \`prompt-workbench release list\`).`);
    const runtime = new CliRuntime({ workspace, record: !values['no-record'], region: values.region, profile: values.profile, endpointUrl: values['endpoint-url'] });
    if (sub === 'publish') {
      const published = await publishRelease(workspace, target, whoAmI(workspace), { connection: runtime.aws }).catch((err: Error) => {
        throw new CliError(err.message, 1);
      });
      print({ releaseId: target, published }, `Published ${target} as ${published.promptArn}:${published.promptVersion}`);
      return 0;
    }
    const report = await verifyReleaseOnDataset(workspace, target, { connection: runtime.aws, runner: runtime.runner, dataset: values.dataset, allowOutside: values['allow-outside'], signal: runtime.signal }).catch((err: Error) => {
      throw new CliError(err.message, 1);
    });
    print(report, verifyReportMarkdown(report));
    return report.parity ? 0 : 1;
  }
  throw new CliError(`release: expected list, approve, publish or verify.\n${RELEASE_USAGE}`);
}
