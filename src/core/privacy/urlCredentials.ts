/**
 * A base URL may carry credentials (`https://user:secret@proxy.example/v1`). They never appear
 * in a message, a log line or a run record: every URL's user-info part becomes `***@`.
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;

/** The text with the user name and password of every URL in it replaced by `***`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, '$1***@');
}
