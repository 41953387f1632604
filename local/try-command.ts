import { resolve } from 'node:path';

/** Where the precis command looks for the API and its key when told nothing (cli/client.ts). */
const CLI_DEFAULT_API = 'http://127.0.0.1:3000';
const CLI_DEFAULT_DATA_DIR = '.precis';

/**
 * The `precis upload` line the banner of `npm start` suggests, with what the
 * command needs to find this stack from another shell: `--api` when the API
 * is not on the port the command tries by default (PRECIS_API_PORT=0 picks
 * a free one), and PRECIS_DATA_DIR, where it reads the key, when the data
 * is not in ./.precis.
 */
export function uploadCommand(api: string, dataDir: string, cwd: string = process.cwd()): string {
  const env =
    resolve(cwd, CLI_DEFAULT_DATA_DIR) === resolve(cwd, dataDir) ? '' : `PRECIS_DATA_DIR=${shellWord(dataDir)} `;
  const target = api.replace(/\/+$/, '') === CLI_DEFAULT_API ? '' : ` --api ${api}`;
  return `${env}npm run -s precis -- upload${target} --wait samples/`;
}

/** A path as one shell word: quoted when it holds anything but plain characters. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
