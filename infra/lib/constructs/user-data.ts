/**
 * The shell commands that install a service on its server (Amazon Linux 2023). The contract
 * with services/<name> is kept small on purpose, so the services can change without the infra:
 *
 * 1. the folder is unpacked to /opt/pipelines/<service>;
 * 2. /etc/pipelines/<service>.env holds the settings the infra knows (role, domain, upstream and
 *    database addresses), as KEY=value lines;
 * 3. `install.sh` at the folder's top, if present, runs as root with that file's values exported
 *    (it builds images, renders configs, creates users);
 * 4. every `systemd/*.service` unit is installed, enabled and started.
 */
export interface ServiceUserDataProps {
  readonly service: string;
  readonly role: 'app' | 'db';
  /** Where the service's zipped folder was downloaded. */
  readonly bundlePath: string;
  readonly packages: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
}

const ENV_KEY = /^[A-Z][A-Z0-9_]*$/;

/** Single-quoted for sh. Values may be CloudFormation tokens; they resolve to plain strings. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}

export function serviceUserData(props: ServiceUserDataProps): string[] {
  if (!/^[a-z][a-z0-9-]*$/.test(props.service))
    throw new Error(`Bad service name "${props.service}"`);
  const dir = `/opt/pipelines/${props.service}`;
  const envFile = `/etc/pipelines/${props.service}.env`;
  const settings = {
    PIPELINES_SERVICE: props.service,
    PIPELINES_ROLE: props.role,
    ...props.environment,
  };
  const envLines = Object.entries(settings).map(([key, value]) => {
    if (!ENV_KEY.test(key)) throw new Error(`Bad environment variable name "${key}"`);
    return `echo ${shellQuote(`${key}=${value}`)} >> ${envFile}`;
  });
  return [
    'set -euxo pipefail',
    ...(props.packages.length > 0 ? [`dnf install -y ${props.packages.join(' ')}`] : []),
    `rm -rf ${dir} && mkdir -p ${dir} /etc/pipelines`,
    `unzip -q -o ${props.bundlePath} -d ${dir}`,
    `: > ${envFile} && chmod 600 ${envFile}`,
    ...envLines,
    `if [ -f ${dir}/install.sh ]; then (set -a; . ${envFile}; set +a; cd ${dir} && bash ./install.sh); fi`,
    `for unit in ${dir}/systemd/*.service; do [ -e "$unit" ] || continue; install -m 644 "$unit" /etc/systemd/system/; done`,
    'systemctl daemon-reload',
    `for unit in ${dir}/systemd/*.service; do [ -e "$unit" ] || continue; systemctl enable --now "$(basename "$unit")"; done`,
  ];
}
