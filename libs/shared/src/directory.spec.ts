import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDirectory } from './directory';

describe('ensureDirectory', () => {
  const root = mkdtempSync(join(tmpdir(), 'pat-directory-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('creates a folder and its missing parents, and accepts one that exists', () => {
    const deep = join(root, 'a', 'b', 'c');
    ensureDirectory(deep);
    ensureDirectory(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
  });

  it('refuses a path that is a file, or lies under one, with ENOTDIR', () => {
    const file = join(root, 'file');
    writeFileSync(file, 'x');
    expect(() => ensureDirectory(file)).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    expect(() => ensureDirectory(join(file, 'sub'))).toThrow(
      expect.objectContaining({ code: 'ENOTDIR' }),
    );
  });

  it('gives up with ENOENT where mkdir cannot create (recursive mkdirSync spins forever there)', () => {
    expect(() => ensureDirectory('/proc/pat-no-such-folder/data')).toThrow(
      expect.objectContaining({ code: 'ENOENT', syscall: 'mkdir' }),
    );
  });
});
