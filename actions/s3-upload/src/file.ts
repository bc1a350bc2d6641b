/** The package on disk: refused unless it is a non-empty regular file, before anything is sent. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError, errorMessage } from '@pipelines/shared/src/errors';

export interface PackageFile {
  path: string;
  size: number;
}

export async function inspectFile(file: string, cwd: string = process.cwd()): Promise<PackageFile> {
  const absolute = path.resolve(cwd, file);
  let info;
  try {
    info = await stat(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? `names ${absolute}, which does not exist`
        : `cannot be read (${errorMessage(error)})`;
    throw new InputError('file', problem, 'Build and package first, and check the path.');
  }
  if (info.isDirectory()) {
    throw new InputError(
      'file',
      `names a directory (${absolute})`,
      'Upload one file: zip the directory first (the package step does).',
    );
  }
  if (!info.isFile()) {
    throw new InputError(
      'file',
      `is not a regular file (${absolute})`,
      'Give the path of the package file.',
    );
  }
  if (info.size === 0) {
    throw new InputError(
      'file',
      `is empty (${absolute})`,
      'An empty package is a failed build: check the package step.',
    );
  }
  return { path: absolute, size: info.size };
}
