/**
 * The container images the pipeline builds: one per entry of names.image-repositories. A
 * repository `<prefix>/<service>` is built by `services/<service>/scripts/build-image.sh OUT_DIR`
 * (the convention docs/environments.md describes), so adding an image is an edit of
 * environments.yml plus that script, and no workflow edit: resolve hands the list to the build
 * and push jobs' matrix.
 */
import type { ConfigIssue } from './errors';
import type { EnvironmentsConfig } from './model';
import type { PathSegment, Source } from './source';

export interface ImageInfo {
  /** The ECR repository, e.g. pipelines/blog. */
  repository: string;
  /** The service folder that builds it: the repository's last path component (blog). */
  service: string;
}

/** The script that builds a service's image, relative to the repository root. */
export const imageBuildScript = (service: string) => `services/${service}/scripts/build-image.sh`;

/** The repository's service: its last component (`pipelines/blog` -> `blog`). */
export const serviceOf = (repository: string) => repository.slice(repository.lastIndexOf('/') + 1);

/** Every image the pipeline builds, in file order. */
export function imagesOf(config: Pick<EnvironmentsConfig, 'names'>): ImageInfo[] {
  return config.names.imageRepositories.map((repository) => ({
    repository,
    service: serviceOf(repository),
  }));
}

type Problem = (path: PathSegment[], text: string, fix: string) => void;

/**
 * Two entries that would build in one folder: the same repository twice, or two repositories of
 * one service (their build results and artifacts are named after the service).
 */
export function imageListProblems(repositories: readonly string[], problem: Problem): void {
  // The image jobs are a matrix over this list, and GitHub refuses a matrix with no legs: the
  // run would fail at build-image, after every check had passed.
  if (repositories.length === 0) {
    problem(
      ['names', 'image-repositories'],
      'lists no repository, but the pipeline builds, pushes and promotes at least one image',
      'List one, e.g. image-repositories: [pipelines/blog] (built by services/blog/scripts/build-image.sh)',
    );
  }
  const seen = new Map<string, string>();
  repositories.forEach((repository, i) => {
    const service = serviceOf(repository);
    const earlier = seen.get(service);
    if (earlier === undefined) {
      seen.set(service, repository);
    } else if (earlier === repository) {
      problem(['names', 'image-repositories', i], `lists ${repository} twice`, 'Remove one');
    } else {
      problem(
        ['names', 'image-repositories', i],
        `${repository} and ${earlier} are both built by ${imageBuildScript(service)} (a repository's service is its last component)`,
        'Give each image its own service name, e.g. pipelines/blog and pipelines/blog-api',
      );
    }
  });
}

/**
 * Issues for the images whose build script is missing, asked of `exists` (a path relative to the
 * repository root): the pipeline would fail in the build job, after the checks ran.
 */
export function missingBuildScripts(
  config: Pick<EnvironmentsConfig, 'names'>,
  source: Source,
  exists: (relativePath: string) => boolean,
): ConfigIssue[] {
  return imagesOf(config).flatMap(({ repository, service }, i) => {
    const script = imageBuildScript(service);
    if (exists(script)) return [];
    return [
      source.issueAt(
        ['names', 'image-repositories', i],
        `${repository} is built by ${script}, which does not exist`,
        `Add ${script} (it writes the image as an OCI layout into the folder it is given: docs/environments.md, "Adding an image"), or remove the repository`,
      ),
    ];
  });
}
