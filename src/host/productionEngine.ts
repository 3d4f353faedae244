/** What the host's Import Production Logs… and Import Feedback… use of core (re-exported by engine.ts as `production`). */
export { describeImport, importInvocationLogs } from '../core/production/importLogs';
export { cloudWatchLogValues, fileLogValues, s3LogValues } from '../core/production/logSources';
export { describeFeedbackImport, importFeedback } from '../core/production/importFeedback';
