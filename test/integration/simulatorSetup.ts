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
 * Sets `promptWorkbench.<key>` workspace settings of the folder (keys such as
 * `bedrock.endpointUrl`); the returned function restores the previous values, last first.
 */
export async function setWorkspaceSettings(folder: vscode.WorkspaceFolder, values: [string, unknown][]): Promise<() => Promise<void>> {
  const undo: (() => Thenable<void>)[] = [];
  for (const [key, value] of values) {
    const config = vscode.workspace.getConfiguration('promptWorkbench', folder.uri);
    const previous = config.inspect(key)?.workspaceValue;
    await config.update(key, value, vscode.ConfigurationTarget.Workspace);
    undo.push(() => vscode.workspace.getConfiguration('promptWorkbench', folder.uri).update(key, previous, vscode.ConfigurationTarget.Workspace));
  }
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
