/**
 * Opens the `image` input: an OCI layout directory, an unpacked docker-archive directory, or a
 * tar (plain or gzip) of either, which is extracted into a private temp dir first.
 */
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '@pipelines/action-kit/errors';
import { loadDockerArchive } from './dockerArchive';
import type { Image } from './image';
import { loadLayout } from './layout';
import { ImageError } from './manifest';
import { extractTar } from './tar';

async function loadDirectory(dir: string): Promise<Image> {
  if (existsSync(path.join(dir, 'index.json'))) return loadLayout(dir);
  if (existsSync(path.join(dir, 'manifest.json'))) return loadDockerArchive(dir);
  throw new ImageError(
    'it has neither index.json (an OCI layout) nor manifest.json (a docker-archive)',
  );
}

/**
 * Loads the image and verifies its manifests (digest and size); `tempRoot` receives the extracted
 * archive, if any. Layout blobs must exist here but are hashed only once the plan says they are to
 * be uploaded (verifyBlobs), so a re-push of an image the registry has reads no layer.
 */
export async function openImage(imagePath: string, tempRoot: string): Promise<Image> {
  let stat;
  try {
    stat = statSync(imagePath);
  } catch {
    throw new ImageError('does not exist');
  }
  let dir = imagePath;
  if (stat.isFile()) {
    dir = mkdtempSync(path.join(tempRoot, 'image-'));
    try {
      await extractTar(imagePath, dir);
    } catch (error) {
      throw new ImageError(`is a file but not a readable tar archive (${errorMessage(error)})`);
    }
  } else if (!stat.isDirectory()) {
    throw new ImageError('is neither a directory nor a file');
  }
  return loadDirectory(dir);
}
