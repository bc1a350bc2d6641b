/**
 * Where a ref goes, decided from environments.yml alone. The file's model and its rules live in
 * @pipelines/environments (the tools and the infra read the same file the same way), so this
 * module only names the two pure steps the action takes: parse the file, resolve the ref. Each
 * throws a ConfigError for a bad file or an unroutable ref, which main turns into annotations.
 */
export { parseEnvironments as parseConfig, resolveRef } from '@pipelines/environments';
