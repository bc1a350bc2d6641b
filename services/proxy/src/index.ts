export {
  defaults,
  fill,
  hostsSnippet,
  HOSTS,
  problems,
  renderConfig,
  type ProxyOptions,
} from './render';
export { projectDomain, environmentsFile } from './domain';
