/**
 * Drops the body of a response that will not be read (an error status): an unread body keeps the request open in the
 * browser (a page never reaches network idle, the connection is not reused), so every `!response.ok` path calls this.
 * Environment-neutral: only the fetch API, in browsers and Node alike.
 */
export function discardBody(response: Response): void {
  void response.body?.cancel().catch(() => undefined);
}
