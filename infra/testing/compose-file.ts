/**
 * Reads a compose file the way `docker compose` does before it validates: YAML with merge keys
 * (`<<: *anchor`), then `${VAR}` / `${VAR:-default}` / `${VAR-default}` / `${VAR:?message}`
 * interpolation from an environment, `$$` for a literal `$`. Used by the deployment-file tests
 * (schema validation) and by the scale-out end-to-end test, which starts the services of the
 * shipped file as local processes with their environment blocks.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

type Env = Record<string, string | undefined>;

export interface ComposeService {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  volumes?: Array<string | { type?: string; source?: string; target: string; read_only?: boolean }>;
  profiles?: string[];
  [key: string]: unknown;
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  [key: string]: unknown;
}

const VARIABLE = /\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** One string interpolated as compose does; an unset variable without a default is empty. */
export function interpolate(text: string, env: Env): string {
  return text.replace(VARIABLE, (whole, dollarOrBrace: string, name?: string, operator?: string, argument = '', bare?: string) => {
    if (dollarOrBrace === '$') return '$';
    const variable = name ?? bare!;
    const value = env[variable];
    const unsetOrEmpty = value === undefined || value === '';
    switch (operator) {
      case ':-':
        return unsetOrEmpty ? interpolate(argument, env) : value;
      case '-':
        return value === undefined ? interpolate(argument, env) : value;
      case ':?':
      case '?':
        if (operator === ':?' ? unsetOrEmpty : value === undefined) throw new Error(`required variable ${variable}: ${argument || 'missing'}`);
        return value!;
      default:
        return value ?? '';
    }
  });
}

function interpolateAll(value: unknown, env: Env): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((item) => interpolateAll(item, env));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateAll(item, env)]));
  }
  return value;
}

/** The parsed, interpolated compose document (merge keys resolved). */
export function loadComposeFile(path: string, env: Env = {}): ComposeFile {
  const document = parse(readFileSync(path, 'utf8'), { merge: true }) as unknown;
  return interpolateAll(document, env) as ComposeFile;
}

/** A service's environment block as strings (list or map form; null values dropped). */
export function serviceEnvironment(service: ComposeService): Record<string, string> {
  const environment = service.environment ?? {};
  const pairs: Array<[string, string]> = Array.isArray(environment)
    ? environment.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      })
    : Object.entries(environment).flatMap(([key, value]) => (value === null ? [] : [[key, String(value)] as [string, string]]));
  return Object.fromEntries(pairs);
}

/** Bind mounts of a service as {source, target} (short `src:dst[:ro]` or long syntax). */
export function bindMounts(service: ComposeService): Array<{ source: string; target: string }> {
  return (service.volumes ?? []).flatMap((volume) => {
    if (typeof volume === 'string') {
      const [source, target] = volume.split(':');
      return source.startsWith('.') || source.startsWith('/') ? [{ source, target }] : [];
    }
    return volume.type === 'bind' && volume.source ? [{ source: volume.source, target: volume.target }] : [];
  });
}
