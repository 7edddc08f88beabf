import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataDirInUseError, lockDataDir } from '../../../../../src/store/postgres/driver/data-dir-lock';

describe('lockDataDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'stroma-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when another live process holds the directory, then a second server is refused', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(path.join(dir, 'stroma.pid'), String(other.pid));
      expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    const release = lockDataDir(dir);
    release();
    expect(existsSync(path.join(dir, 'stroma.pid'))).toBe(false);
  });

  it('when the lock file is left by a process that died, then it is taken over', () => {
    writeFileSync(path.join(dir, 'stroma.pid'), '999999999');
    const release = lockDataDir(dir);
    expect(existsSync(path.join(dir, 'stroma.pid'))).toBe(true);
    release();
  });
});
