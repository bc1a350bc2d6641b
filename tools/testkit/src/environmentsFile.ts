/**
 * Edits of a copy of environments.yml that tests make to show what a fork's edit does: adding an
 * image repository to names.image-repositories (the template lists pipelines/blog alone).
 */
import { readFileSync, writeFileSync } from 'node:fs';

const IMAGE_REPOSITORIES = 'image-repositories: [pipelines/blog]';

/** The file's text with `repository` listed after pipelines/blog; throws if the line changed. */
export function withImageRepository(text: string, repository: string): string {
  if (!text.includes(IMAGE_REPOSITORIES)) {
    throw new Error(`test setup: environments.yml no longer has the line ${IMAGE_REPOSITORIES}`);
  }
  return text.replace(IMAGE_REPOSITORIES, `image-repositories: [pipelines/blog, ${repository}]`);
}

/** Adds `repository` to the environments.yml at `file`; returns the new text. */
export function addImageRepository(file: string, repository: string): string {
  const edited = withImageRepository(readFileSync(file, 'utf8'), repository);
  writeFileSync(file, edited);
  return edited;
}
