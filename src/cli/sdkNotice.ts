/**
 * The AWS SDK for JavaScript v3 (@aws-sdk/core `emitWarningIfUnsupportedVersion`) prints a
 * multi-line "NodeVersionSupportWarning: … please upgrade to node >=22" through
 * `process.emitWarning` the first time a client is built on Node < 22. The CLI supports Node 20
 * on purpose (it shares its core with the extension, whose host runs on VS Code's Node 20), so
 * that notice is noise on every `run`/`eval`. The SDK has its own opt-out for exactly that
 * notice, `AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true`; every other warning still
 * prints. A value the user set (to see the notice: `false`) is kept.
 */
export const SDK_NODE_NOTICE_OPT_OUT = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

export function quietSdkNodeVersionNotice(env: NodeJS.ProcessEnv = process.env): void {
  if (env[SDK_NODE_NOTICE_OPT_OUT] === undefined) env[SDK_NODE_NOTICE_OPT_OUT] = 'true';
}
