import { Aws } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * What every server runs on, and the shell commands that install a service on it.
 *
 * The servers run Debian 12 (bookworm), the release the test hosts boot (tools/testkit
 * testHost.ts), so the user data that a test runs is the user data a server runs
 * (docs/decisions/0006-debian-servers.md).
 *
 * The contract with services/<name> is kept small on purpose, so the services can change without
 * the infra:
 *
 * 1. the folder is unpacked to /opt/pipelines/<service>;
 * 2. /etc/pipelines/<service>.env holds the settings the infra knows (role, domain, upstream and
 *    database addresses), as KEY=value lines (units read it with EnvironmentFile=);
 * 3. `install.sh` at the folder's top, if present, runs as root with that file's values exported
 *    (it builds images, renders configs, creates users);
 * 4. every `systemd/*.service` and `systemd/*.timer` unit is installed; those with an [Install]
 *    section are enabled and started (a oneshot that only a timer starts has none).
 */

/** Debian's own public SSM parameter for its newest Debian 12 AMI (x86-64). */
export const SERVER_AMI_PARAMETER = '/aws/service/debian/release/12/latest/amd64';

/** What the base commands need before a service is unpacked: the S3 download, unzip, templates. */
export const SERVER_BASE_PACKAGES = ['awscli', 'unzip', 'curl', 'gettext-base', 'openssl'];

/** The servers' machine image: the newest Debian 12 AMI, looked up when the stack deploys. */
export function serverImage(): ec2.IMachineImage {
  return ec2.MachineImage.fromSsmParameter(SERVER_AMI_PARAMETER, {
    os: ec2.OperatingSystemType.LINUX,
  });
}

/**
 * Installs the packages that are not installed yet, fetching the package lists first only then:
 * the same line runs on a fresh AMI and, without any network, on a test host that has them.
 */
export function aptInstall(packages: readonly string[]): string {
  for (const name of packages) {
    if (!/^[a-z0-9][a-z0-9.+-]+$/.test(name)) throw new Error(`Bad Debian package name "${name}"`);
  }
  return [
    'missing=""',
    `for p in ${packages.join(' ')}; do dpkg-query -W -f='\${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"; done`,
    'if [ -n "$missing" ]; then apt-get update -q && apt-get install -y -q --no-install-recommends $missing; fi',
  ].join('; ');
}

/**
 * The commands every server runs first: strict shell, the base packages, and the SSM agent
 * (Session Manager is the only way in; Debian's AMIs do not ship the agent, AWS publishes it per
 * region).
 */
export function serverBaseCommands(): string[] {
  const agent = `https://s3.${Aws.REGION}.amazonaws.com/amazon-ssm-${Aws.REGION}/latest/debian_amd64/amazon-ssm-agent.deb`;
  return [
    'set -euxo pipefail',
    'export DEBIAN_FRONTEND=noninteractive',
    aptInstall(SERVER_BASE_PACKAGES),
    `if ! command -v amazon-ssm-agent >/dev/null; then curl -fsSL --retry 5 -o /tmp/amazon-ssm-agent.deb '${agent}' && dpkg -i /tmp/amazon-ssm-agent.deb && systemctl enable --now amazon-ssm-agent; fi`,
  ];
}

/** User data that starts with the base commands; the service's download and install follow. */
export function serverUserData(): ec2.UserData {
  const userData = ec2.UserData.forLinux();
  userData.addCommands(...serverBaseCommands());
  return userData;
}

/**
 * Mounts a server's data volume at `path` before its service installs: waits for the attachment
 * (CloudFormation attaches the volume after the instance starts), makes a file system only when
 * the volume has none (a volume with data is never formatted), and mounts it now and at every
 * boot. On Nitro instances the volume is an NVMe device named by its volume id; on Xen ones it
 * is the attachment's device name.
 */
export function dataVolumeCommands(volumeId: string, device: string, path: string): string[] {
  if (!/^\/[a-z0-9/_-]+$/.test(path)) throw new Error(`Bad data path "${path}"`);
  const xen = device.replace('/dev/sd', '/dev/xvd');
  return [
    `volume=${shellQuote(volumeId)}; nvme="/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_\${volume//-/}"; dev=""`,
    `for _ in $(seq 120); do for d in "$nvme" ${xen} ${device}; do [ -e "$d" ] && dev="$d" && break 2; done; sleep 5; done`,
    `[ -n "$dev" ] || { echo "Could not find data volume $volume: it is not attached after 10 minutes. Check the volume attachment in CloudFormation, then run the user data again." >&2; exit 1; }`,
    `blkid -o value -s TYPE "$dev" >/dev/null || mkfs.ext4 -q -L pipelines-data "$dev"`,
    `mkdir -p ${path}`,
    // By the device path (the NVMe name carries the volume id, so it is stable), without nofail:
    // a database must not start on the root disk because its volume is missing.
    `grep -q " ${path} " /etc/fstab || echo "$dev ${path} ext4 defaults,x-systemd.device-timeout=10min 0 2" >> /etc/fstab`,
    `mountpoint -q ${path} || mount ${path}`,
  ];
}

export interface ServiceUserDataProps {
  readonly service: string;
  readonly role: 'app' | 'db';
  /** Where the service's zipped folder was downloaded. */
  readonly bundlePath: string;
  /** Debian packages the service runs on. */
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
  const units = `${dir}/systemd/*.service ${dir}/systemd/*.timer`;
  return [
    'set -euxo pipefail',
    ...(props.packages.length > 0 ? [aptInstall(props.packages)] : []),
    `rm -rf ${dir} && mkdir -p ${dir} /etc/pipelines`,
    `unzip -q -o ${props.bundlePath} -d ${dir}`,
    `: > ${envFile} && chmod 600 ${envFile}`,
    ...envLines,
    `if [ -f ${dir}/install.sh ]; then (set -a; . ${envFile}; set +a; cd ${dir} && bash ./install.sh); fi`,
    `for unit in ${units}; do [ -e "$unit" ] || continue; install -m 644 "$unit" /etc/systemd/system/; done`,
    'systemctl daemon-reload',
    `for unit in ${dir}/systemd/*.timer ${dir}/systemd/*.service; do [ -e "$unit" ] && grep -q '^\\[Install\\]' "$unit" || continue; systemctl enable --now "$(basename "$unit")"; done`,
  ];
}
