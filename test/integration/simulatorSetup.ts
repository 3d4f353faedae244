// What the extension-host suites that call the local Bedrock simulator share: fake static AWS
// credentials for the SDK (only where the host has none), and the workspace settings that point
// Bedrock at the simulator, each put back as it was after the suite.
import * as vscode from 'vscode';
import { poll } from './poll';

const FAKE_AWS_ENV = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', AWS_EC2_METADATA_DISABLED: 'true' };

/** Sets the fake credentials this process lacks; the returned function removes exactly those. */
export function useFakeAwsEnv(): () => void {
  const set = Object.entries(FAKE_AWS_ENV).filter(([k]) => !process.env[k]);
  for (const [k, v] of set) process.env[k] = v;
  return () => {
    for (const [k] of set) delete process.env[k];
  };
}

/**
 * Where a test sets `section.key`: user settings (Global) for the machine-scoped settings, which
 * the extension never takes from a workspace (a cloned repository must not redirect endpoints
 * or keys), the workspace for every other.
 */
export function settingTarget(section: string, key: string): vscode.ConfigurationTarget {
  const manifest = vscode.extensions.getExtension('prompt-workbench.prompt-workbench')?.packageJSON as { contributes?: { configuration?: { properties?: Record<string, { scope?: string }> } } } | undefined;
  const scope = manifest?.contributes?.configuration?.properties?.[`${section}.${key}`]?.scope;
  return scope === 'machine' || scope === 'application' ? vscode.ConfigurationTarget.Global : vscode.ConfigurationTarget.Workspace;
}

/** Sets `section.key` where the extension reads it (see settingTarget); the returned function puts the previous value back. */
export async function updateSetting(section: string, key: string, value: unknown, scope?: vscode.ConfigurationScope): Promise<() => Thenable<void>> {
  const target = settingTarget(section, key);
  const config = vscode.workspace.getConfiguration(section, scope);
  const inspected = config.inspect(key);
  const previous = target === vscode.ConfigurationTarget.Global ? inspected?.globalValue : inspected?.workspaceValue;
  await config.update(key, value, target);
  return () => vscode.workspace.getConfiguration(section, scope).update(key, previous, target);
}

/**
 * Sets `promptWorkbench.<key>` settings of the folder (keys such as `bedrock.endpointUrl`,
 * user settings for the machine-scoped ones); the returned function restores the previous values, last first.
 */
export async function setWorkspaceSettings(folder: vscode.WorkspaceFolder, values: [string, unknown][]): Promise<() => Promise<void>> {
  const undo: (() => Thenable<void>)[] = [];
  for (const [key, value] of values) undo.push(await updateSetting('promptWorkbench', key, value, folder.uri));
  return async () => {
    for (const u of undo.reverse()) await u();
  };
}

/**
 * Points Bedrock at the simulator (endpoint, us-east-1, plus `extra` settings) and waits until
 * the extension sees it; the returned function restores every setting.
 */
export async function useSimulatorSettings(folder: vscode.WorkspaceFolder, serverUrl: string, extra: [string, unknown][] = []): Promise<() => Promise<void>> {
  const restore = await setWorkspaceSettings(folder, [['bedrock.endpointUrl', serverUrl], ['bedrock.region', 'us-east-1'], ...extra]);
  await poll('the endpoint setting to apply', () => vscode.workspace.getConfiguration('promptWorkbench.bedrock', folder.uri).get('endpointUrl') === serverUrl, 10000, 100);
  return restore;
}
