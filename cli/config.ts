import { type CliConfig, ConfigError, cliEnvSchema, loadConfig } from '../shared/config.js';
import type { Io } from './main.js';

/** The variable each flag stands for: a flag overrides it, and is checked by the same schema. */
const FLAG_VARIABLES = {
  offline: 'PRECIS_ENGINE',
  target: 'TARGET_LANGUAGES',
  languages: 'PRECIS_LANGUAGES',
  'max-bytes': 'PRECIS_MAX_OBJECT_BYTES',
} as const;

/**
 * The command's configuration: the environment, with each flag given in
 * place of its variable, read through the same schema for both. A bad flag
 * is named as the flag.
 */
export function cliConfig(
  env: Io['env'],
  values: Partial<Record<keyof typeof FLAG_VARIABLES, string | boolean>> = {},
): CliConfig {
  const flags: Record<string, string> = {};
  const named: [string, string][] = [];
  for (const [flag, variable] of Object.entries(FLAG_VARIABLES)) {
    const value = values[flag as keyof typeof FLAG_VARIABLES];
    if (value === undefined || value === false) continue;
    // --offline is a switch: given, it sets PRECIS_ENGINE=offline.
    flags[variable] = value === true ? 'offline' : value;
    named.push([variable, `--${flag}`]);
  }
  try {
    return loadConfig(cliEnvSchema, { ...env, ...flags });
  } catch (failure) {
    if (!(failure instanceof ConfigError)) throw failure;
    const message = named.reduce(
      (text, [variable, flag]) => text.replaceAll(`${variable} `, `${flag} `),
      failure.message,
    );
    throw new ConfigError(message);
  }
}
