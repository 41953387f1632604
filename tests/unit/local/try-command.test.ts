/**
 * The `precis upload` line `npm start` prints must reach the stack it was
 * printed by, also when that stack is not on the default port or folder.
 */
import { describe, expect, it } from 'vitest';
import { uploadCommand } from '../../../local/try-command.js';

describe('the upload command the local stack suggests', () => {
  it('is the plain command on the default port and folder', () => {
    expect(uploadCommand('http://127.0.0.1:3000', '/home/me/precis/.precis', '/home/me/precis')).toBe(
      'npm run -s precis -- upload --wait samples/',
    );
  });

  it('names the API when the stack took another port (PRECIS_API_PORT=0)', () => {
    expect(uploadCommand('http://127.0.0.1:41873', '/home/me/precis/.precis', '/home/me/precis')).toBe(
      'npm run -s precis -- upload --api http://127.0.0.1:41873 --wait samples/',
    );
  });

  it('names the data folder, where the command reads the key, when it is not ./.precis', () => {
    expect(uploadCommand('http://127.0.0.1:41873', "/tmp/my data's", '/home/me/precis')).toBe(
      "PRECIS_DATA_DIR='/tmp/my data'\\''s' npm run -s precis -- upload --api http://127.0.0.1:41873 --wait samples/",
    );
  });
});
