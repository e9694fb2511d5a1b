/**
 * The one reading of a yes/no setting, for query parameters and environment variables alike:
 * true, 1, yes, on / false, 0, no, off, in any case (`true` from Node, `True` from Python),
 * surrounding spaces ignored. Anything else is undefined: the caller decides whether that is
 * an error or its default.
 */
const TRUE = /^(true|1|yes|on)$/i;
const FALSE = /^(false|0|no|off)$/i;

export function parseBoolean(raw: string): boolean | undefined {
  const value = raw.trim();
  if (TRUE.test(value)) return true;
  if (FALSE.test(value)) return false;
  return undefined;
}
